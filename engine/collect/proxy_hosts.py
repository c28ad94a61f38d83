"""Which instances are HTTP forward proxies: the ones clients' proxy URLs point at.

A client's proxy host is resolved the way the client would resolve it (Route 53 developer guide, "private
hosted zones"): an IP literal; a private hosted zone associated with the client's VPC (A records, CNAME and
alias chains, wildcards; a zone that owns the name but lacks the record answers NXDOMAIN); an EC2 private DNS
name (``ip-10-10-0-10.ap-northeast-3.compute.internal``). Every instance found gets the URL's port in
``proxy_ports``. Ports: the URL's own, else 443 for ``https://`` and 80 otherwise (as the engine's trace
assumes); Java's ``https.proxyPort`` / ``http.proxyPort`` default to 443 / 80.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping
from ipaddress import ip_address
from urllib.parse import urlsplit

from engine import model as m
from engine.proxy import rules_java
from engine.proxy.model import with_default_scheme

MAX_CNAME_CHAIN = 8
_EC2_DNS = re.compile(r"^ip-(\d{1,3})-(\d{1,3})-(\d{1,3})-(\d{1,3})\.")


def proxy_endpoints(env: Mapping[str, str]) -> list[tuple[str, int]]:
    """(host, port) of every proxy the environment names, whatever the runtime."""
    out: list[tuple[str, int]] = []
    for name, value in env.items():
        if name.upper() in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY") and value.strip():
            url = urlsplit(with_default_scheme(value.strip()))
            try:
                port = url.port or (443 if url.scheme == "https" else 80)
            except ValueError:
                continue
            if url.hostname:
                out.append((url.hostname, port))
    props = rules_java.system_properties(env)
    for scheme, default in (("https", 443), ("http", 80)):
        host = props.get(f"{scheme}.proxyHost")
        if host:
            try:
                out.append((host, int(props.get(f"{scheme}.proxyPort") or default)))
            except ValueError:
                continue
    return out


class _Resolver:
    def __init__(self, instances: list[m.Instance], enis: list[m.NetworkInterface], zones: list[m.HostedZone]):
        by_id = {i.instance_id: i for i in instances}
        self.by_ip: dict[str, list[m.Instance]] = defaultdict(list)
        for inst in instances:
            self.by_ip[inst.private_ip_address].append(inst)
        for eni in enis:
            owner = by_id.get(eni.attachment.instance_id or "") if eni.attachment else None
            for ip in {eni.private_ip_address, *(p.private_ip_address for p in eni.private_ip_addresses)}:
                if owner is not None and owner not in self.by_ip[ip]:
                    self.by_ip[ip].append(owner)
        self.by_dns = {i.private_dns_name.lower(): i for i in instances if i.private_dns_name}
        self.zones: dict[str, list[m.HostedZone]] = defaultdict(list)
        for zone in zones:
            for vpc in zone.vpcs:
                self.zones[vpc.vpc_id].append(zone)
        for found in self.zones.values():
            found.sort(key=lambda z: len(z.name), reverse=True)
        self.records: dict[str, dict[str, list[m.ResourceRecordSet]]] = {}
        for zone in zones:
            table: dict[str, list[m.ResourceRecordSet]] = defaultdict(list)
            for rr in zone.resource_record_sets:
                table[rr.name.rstrip(".").lower()].append(rr)
            self.records[zone.id] = table

    def instances_for(self, host: str, client: m.Instance) -> list[m.Instance]:
        host = host.lower().rstrip(".").strip("[]")
        if _is_ip(host):
            return self._at(host, client.vpc_id)
        for _ in range(MAX_CNAME_CHAIN):
            answer = self._zone_answer(host, client.vpc_id)
            if answer is None:
                break
            kind, values = answer
            if kind == "A":
                return [i for ip in values for i in self._at(ip, client.vpc_id)]
            if kind != "CNAME":
                return []  # NXDOMAIN: the zone owns the name
            host = values[0].lower().rstrip(".")
        if host in self.by_dns:
            return [self.by_dns[host]]
        match = _EC2_DNS.match(host)
        return self._at(".".join(match.groups()), client.vpc_id) if match else []

    def _at(self, ip: str, vpc_id: str) -> list[m.Instance]:
        """Instances at ``ip``: in the client's VPC first; elsewhere only when the address is unambiguous."""
        found = self.by_ip.get(ip, [])
        local = [i for i in found if i.vpc_id == vpc_id]
        return local or (found if len(found) == 1 else [])

    def _zone_answer(self, host: str, vpc_id: str) -> tuple[str, list[str]] | None:
        for zone in self.zones.get(vpc_id, []):
            name = zone.name.rstrip(".").lower()
            if host != name and not host.endswith("." + name):
                continue
            wildcard = "*." + host.split(".", 1)[1] if "." in host else ""
            for wanted in (host, wildcard):
                for rr in self.records[zone.id].get(wanted, []):
                    if rr.alias_target is not None:
                        return "CNAME", [rr.alias_target.dns_name]
                    if rr.type == "A" and rr.resource_records:
                        return "A", [r.value for r in rr.resource_records]
                    if rr.type == "CNAME" and rr.resource_records:
                        return "CNAME", [rr.resource_records[0].value]
            return "NXDOMAIN", []
        return None


def _is_ip(text: str) -> bool:
    try:
        ip_address(text)
    except ValueError:
        return False
    return True


def mark_proxies(instances: list[m.Instance], enis: list[m.NetworkInterface],
                 zones: list[m.HostedZone]) -> list[m.Instance]:
    """``instances`` with ``proxy_ports`` set on every instance a client's proxy settings point at."""
    resolver = _Resolver(instances, enis, zones)
    ports: dict[str, set[int]] = defaultdict(set)
    for client in instances:
        env = {k: v.value for k, v in client.proxy_environment.items()}
        for host, port in proxy_endpoints(env):
            for proxy in resolver.instances_for(host, client):
                if proxy.instance_id != client.instance_id:
                    ports[proxy.instance_id].add(port)
    return [
        i.model_copy(update={"proxy_ports": sorted(set(i.proxy_ports) | ports[i.instance_id])})
        if i.instance_id in ports else i
        for i in instances
    ]
