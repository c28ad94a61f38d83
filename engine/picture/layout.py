"""What every drawing of a route shares: one node per hop, the nested places (account ⊃ region ⊃ VPC) each node
sits in, and the marks (the proxy, an endpoint, the refusing hop).

Works from the :class:`~engine.answer.Answer` alone (its hops' ``account``, ``region`` and ``vpc``), so a drawing
is of the same answer a user reads, in any language the answer was rendered in.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from engine.answer import Answer, Hop
from engine.wording import EN, Wording

PROXY, ENDPOINT, REFUSED, LOOKUP, PLAIN, VERDICT = "proxy", "endpoint", "refused", "lookup", "plain", "verdict"
_ENDPOINT_KINDS = ("gateway-endpoint", "interface-endpoint")


@dataclass(frozen=True, slots=True)
class Node:
    """One box of the drawing: ``key`` names it in Mermaid and DOT; ``lines`` are its text, top line first."""

    key: str
    lines: tuple[str, ...]
    mark: str
    places: tuple[str | None, str | None, str | None]  # account, region, VPC (None: not inside one)


@dataclass
class Place:
    """A box around nodes: an account, a region inside it, or a VPC inside that."""

    key: str
    label: str
    nodes: list[Node] = field(default_factory=list)
    inner: dict[str, Place] = field(default_factory=dict)


def nodes(answer: Answer, wording: Wording = EN) -> list[Node]:
    """One node per hop, in route order; a refusal that is no hop of its own (a security group, a network ACL,
    a policy of another resource) and a verdict that is not ``reachable`` end the route with a node of their own."""
    refused_at = _refusing_hop(answer)
    code = answer.blocked_by.code if answer.blocked_by else ""
    out = [_node(i, hop, wording, i == refused_at, code) for i, hop in enumerate(answer.hops, 1)]
    if out and answer.source.name and answer.hops[0].id == answer.source.id:  # the client, by the name asked
        first = out[0]
        out[0] = Node(first.key, (first.lines[0], f"{first.lines[1]} ({answer.source.name})", *first.lines[2:]),
                      first.mark, first.places)
    if answer.blocked_by is not None and refused_at is None:
        b = answer.blocked_by
        out.append(Node("refusal", (wording.label("picture-refused"), b.code, b.resource), REFUSED,
                        (None, None, None)))
    elif answer.verdict == "unknown":
        out.append(Node("verdict", (wording.label("picture-unknown"),), VERDICT, (None, None, None)))
    return out


def _refusing_hop(answer: Answer) -> int | None:
    """The last hop whose resource is the one that refuses (a route table, an endpoint, the bucket)."""
    if answer.blocked_by is None:
        return None
    matches = [i for i, hop in enumerate(answer.hops, 1) if hop.id == answer.blocked_by.resource]
    return matches[-1] if matches else None


def _node(number: int, hop: Hop, wording: Wording, refused: bool, answer_code: str = "") -> Node:
    mark = REFUSED if refused else PROXY if hop.kind == "proxy" else ENDPOINT if hop.kind in _ENDPOINT_KINDS \
        else LOOKUP if hop.kind == "dns" else PLAIN
    head = f"{number}. {hop.kind}"
    if hop.kind in _ENDPOINT_KINDS:  # a proxy hop's kind already says what it is
        head += f" [{wording.label('picture-endpoint')}]"
    lines = [head, hop.id]
    if refused and answer_code:
        lines.append(f"{wording.label('picture-refused')}: {answer_code}")
    return Node(f"h{number}", tuple(lines), mark, (hop.account, hop.region, hop.vpc))


def places(all_nodes: list[Node], wording: Wording = EN) -> tuple[Place, list[Node]]:
    """The nested places by identity (a VPC the route enters twice is one box), and the nodes in no place."""
    root = Place("root", "")
    loose: list[Node] = []
    for node in all_nodes:
        account, region, vpc = node.places
        where = root
        for level, value, label in (("a", account, f"{wording.label('picture-account')} {account}"),
                                    ("r", region, region), ("v", vpc, vpc)):
            if value is None:
                continue
            key = f"{where.key}_{level}_{_slug(value)}"
            where = where.inner.setdefault(key, Place(key, label or ""))
        if where is root:
            loose.append(node)
        else:
            where.nodes.append(node)
    return root, loose


def headline(answer: Answer, arrow: str = "→") -> str:
    """``arrow``: "->" where the font may lack the arrow glyph (the PNG's bundled font)."""
    s, d = answer.source, answer.destination
    return f"{s.name or s.id} {arrow} {d.kind} {d.id}: {answer.verdict}"


def _slug(text: str) -> str:
    return "".join(c if c.isalnum() else "_" for c in text)
