"""What the Slack renderer needs to know about one snapshot beyond an answer: names, owners, policy texts.

Built once per loaded snapshot from the engine's own indexes, so the bot never walks the snapshot per request.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from bot.exposure import accounts_revealed, holders_of
from engine import POLICY_REFUSALS, RESOURCE_KINDS, Answer, Code, Engine, Layer, Wording, wording_for
from engine import model as m

# The id field of every named (tagged) kind of resource an answer can mention.
_NAMED: tuple[tuple[str, str], ...] = tuple((k.field, k.id_field) for k in RESOURCE_KINDS if k.named and k.id_field)
DEFAULT_ENDPOINT_POLICY = {
    "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}],
}


@dataclass(frozen=True, slots=True)
class PolicyText:
    title: str  # "endpoint policy of vpce-…", "bucket policy of app-data", "app-web-role: app-data-access"
    resource: str
    document: str  # pretty JSON
    title_label: str = ""  # the title as a wording label over {resource}, said in the reader's language


class SnapshotIndex:
    def __init__(self, engine: Engine) -> None:
        snap = engine.snapshot
        self.topology = engine.topology
        self.taken_at = snap.taken_at
        self.names: dict[str, str] = {}
        self.owners: dict[str, str] = {}
        vpc_owner = {v.vpc_id: v.owner_id for v in snap.vpcs if v.owner_id}
        for collection, id_field in _NAMED:
            for item in getattr(snap, collection):
                ident = getattr(item, id_field)
                if item.name:
                    self.names[ident] = item.name
                owner = getattr(item, "owner_id", None) or vpc_owner.get(getattr(item, "vpc_id", "") or "")
                if owner:
                    self.owners[ident] = owner
        for bucket in snap.buckets:
            self.owners[bucket.name] = bucket.owner_id
        for role in snap.roles:
            self.owners[role.arn] = role.account_id
        self.account_names = {a.account_id: a.name for a in snap.accounts if a.name}
        self.holders = holders_of(snap)

    def name(self, ident: str) -> str | None:
        return self.names.get(ident)

    def owner(self, ident: str) -> str | None:
        """The account that owns a resource (id, bucket name or role ARN); None when the snapshot cannot tell."""
        if ident in self.owners:
            return self.owners[ident]
        if ident.startswith("arn:aws:iam::"):
            return ident.split(":")[4] or None
        return None

    def account_label(self, account: str | None, wording: Wording | None = None) -> str:
        w = wording or wording_for("en")
        if not account:
            return w.label("slack.account-outside")
        name = self.account_names.get(account)
        key = "slack.account-named" if name else "slack.account"
        return w.fmt(w.label(key), {"account": account, "name": name})

    def accounts_of_question(self, source: m.Instance, dest_kind: str, dest_id: str,
                             resource: str | None = None) -> list[str | None]:
        """The accounts a question names: its source instance's, its destination's when it is known, and the
        account in the ARN of the KMS key or secret it names (``--resource``, ``on ARN``)."""
        accounts: list[str | None] = [source.owner_id]
        if resource:
            accounts.append(resource.split(":")[4] or None)
        if dest_kind == "s3-bucket":
            bucket = self.topology.buckets.get(dest_id)
            accounts.append(bucket.owner_id if bucket else None)
        elif dest_kind == "instance":
            inst = self.topology.instances.get(dest_id)
            accounts.append(inst.owner_id if inst else None)
        return accounts

    def accounts_of_answer(self, answer: Answer) -> set[str]:
        """Every account the answer reveals something of, as any view of it (Full policy too) would show it."""
        refusals = ([answer.blocked_by] if answer.blocked_by else []) + list(answer.explanations)
        documents = [doc.document for r in refusals if r.code in POLICY_REFUSALS
                     for doc in self.policies(r.code, r.resource)]
        return accounts_revealed(answer, self.holders, documents)

    def policies(self, code: str, resource: str) -> list[PolicyText]:
        """The full policy documents behind a policy refusal, as the snapshot holds them."""
        member = Code.__members__.get(code)
        handler = self._POLICY_TEXTS.get(member.layer) if member is not None and member.layer else None
        return handler(self, resource) if handler else []

    def _endpoint_policy(self, resource: str) -> list[PolicyText]:
        ep = self.topology.endpoints.get(resource)
        if ep is None:
            return []
        text = ep.policy_document or None
        doc = _pretty(text) if text else _pretty(json.dumps(DEFAULT_ENDPOINT_POLICY)) + "\n(AWS default policy)"
        return [PolicyText(f"endpoint policy of {resource}", resource, doc, "slack.policy.endpoint")]

    def _bucket_policy(self, resource: str) -> list[PolicyText]:
        bucket = self.topology.buckets.get(resource)
        if bucket is None:  # the resource layer of another service: a KMS key policy, a secret's policy
            other = self.topology.kms_keys.get(resource) or self.topology.secrets.get(resource)
            if other is None:
                return []
            what = "key policy" if isinstance(other, m.KmsKey) else "resource policy"
            return [PolicyText(f"{what} of {resource}", resource,
                               _pretty(other.policy) if other.policy else f"(no {what})",
                               "slack.policy.key" if isinstance(other, m.KmsKey) else "slack.policy.resource")]
        text = _pretty(bucket.policy) if bucket.policy else "(no bucket policy)"
        return [PolicyText(f"bucket policy of {resource}", resource, text, "slack.policy.bucket")]

    def _identity_policies(self, resource: str) -> list[PolicyText]:
        role = self.topology.roles.get(resource)
        if role is None:
            return []
        return [PolicyText(f"{role.role_name}: {ref.policy_name}", resource, _pretty(ref.policy_document))
                for ref in role.policies] or [PolicyText(f"{role.role_name}", resource, "(no policies attached)")]

    _POLICY_TEXTS = {Layer.ENDPOINT: _endpoint_policy, Layer.BUCKET: _bucket_policy, Layer.IDENTITY: _identity_policies}

    def examples(self, allowed: object = None) -> Examples:
        """Real names from the snapshot for /reach help; ``allowed(account) -> bool`` filters them."""
        ok = allowed if callable(allowed) else (lambda _account: True)
        snap = self.topology.snap
        clients = [i for i in snap.instances if not i.proxy_ports and ok(i.owner_id)] or \
                  [i for i in snap.instances if ok(i.owner_id)]
        proxied = [i for i in clients if any(k.upper() == "HTTPS_PROXY" for k in i.proxy_environment)] or clients
        source = proxied[0] if proxied else None
        buckets = [b for b in snap.buckets if ok(b.owner_id)]
        same_region = [b for b in buckets if source and b.region == source.region] or buckets
        other = next((i for i in clients if source and i.region != source.region), source)
        other_bucket = next((b for b in buckets if other and b.region == other.region), None)
        interface = next((e for e in snap.vpc_endpoints if e.vpc_endpoint_type == "Interface"
                          and other and e.region == other.region), None)
        region = other.region if other else (source.region if source else "us-east-1")
        service = interface.service_name.split(".")[-1] if interface else "sts"
        return Examples(
            source=(source.name or source.instance_id) if source else None,
            bucket=same_region[0].name if same_region else None,
            other_source=(other.name or other.instance_id) if other else None,
            other_ip=other.private_ip_address if other else None,
            other_bucket=other_bucket.name if other_bucket else None,
            service_host=f"{service}.{region}.amazonaws.com",
        )


@dataclass(frozen=True, slots=True)
class Examples:
    source: str | None
    bucket: str | None
    other_source: str | None
    other_ip: str | None
    other_bucket: str | None
    service_host: str


def _pretty(text: str) -> str:
    try:
        return json.dumps(json.loads(text), indent=2)
    except (json.JSONDecodeError, TypeError):
        return text
