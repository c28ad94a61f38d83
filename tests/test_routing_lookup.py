"""Longest prefix match over integers (engine/routing.py ``_ip_routes``) picks exactly the route that
``ipaddress`` containment picks: the most specific route whose CIDR holds the address ("Route priority",
Amazon VPC User Guide), for any table and any address (hypothesis)."""

from __future__ import annotations

from ipaddress import ip_address, ip_network

from hypothesis import given
from hypothesis import strategies as st

from engine.dns import Address
from engine.routing import lookup
from tests.scenarios import Small

_PREFIXES = st.lists(st.tuples(st.integers(0, 2**32 - 1), st.integers(0, 32)), min_size=1, max_size=12)


@given(prefixes=_PREFIXES, addresses=st.lists(st.integers(0, 2**32 - 1), min_size=1, max_size=8))
def test_integer_match_picks_the_longest_prefix_ipaddress_picks(prefixes: list[tuple[int, int]],
                                                                 addresses: list[int]) -> None:
    s = Small()
    cidrs = list(dict.fromkeys(str(ip_network((value, length), strict=False)) for value, length in prefixes))
    for cidr in cidrs:
        s.b.route(s.private_rtb, cidr, s.igw)
    topo = s.engine().topology
    tables = [t for t in (s.private_rtb,) if t in topo.route_tables]
    assert tables
    for value in addresses:
        addr = str(ip_address(value))
        expected = max((ip_network(c).prefixlen for c in [*cidrs, "10.0.0.0/16"]
                        if ip_address(addr) in ip_network(c)), default=None)
        choice = lookup(topo, s.private_rtb, Address(ip=addr))
        assert (choice.prefix_len if choice else None) == expected
        if choice is not None:
            assert ip_address(addr) in ip_network(choice.route.destination_cidr_block)
