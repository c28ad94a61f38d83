"""The route as Graphviz DOT text (``dot -Tsvg``): places as nested ``cluster_`` subgraphs, the proxy and
endpoints filled, the refusing hop in red (Graphviz docs, "DOT Language": subgraphs and clusters)."""

from __future__ import annotations

from engine.answer import Answer
from engine.picture.layout import ENDPOINT, LOOKUP, PROXY, REFUSED, VERDICT, Node, Place, headline, nodes, places
from engine.wording import EN, Wording

_STYLES = {
    REFUSED: 'color="#d00000", fontcolor="#900000", fillcolor="#fde2e2", style="filled,bold", penwidth=3',
    PROXY: 'color="#1f5fbf", fillcolor="#e3eefc", style=filled, penwidth=2',
    ENDPOINT: 'color="#1e8a3c", fillcolor="#e2f5e6", style=filled, penwidth=2',
    LOOKUP: 'color="#999999", style="dashed,rounded"',
    VERDICT: 'color="#666666", fillcolor="#eeeeee", style=filled',
}


def dot(answer: Answer, wording: Wording = EN) -> str:
    all_nodes = nodes(answer, wording)
    root, loose = places(all_nodes, wording)
    lines = ["digraph route {", f"  label={_quote(headline(answer))}; labelloc=t; rankdir=TB;",
             '  node [shape=box, fontname="Helvetica", fontsize=11];', '  edge [color="#444444"];']
    lines += [f"  {_node(n)}" for n in loose]
    for place in root.inner.values():
        lines += _cluster(place, "  ")
    lines += [f"  {a.key} -> {b.key};" for a, b in zip(all_nodes, all_nodes[1:], strict=False)]
    return "\n".join([*lines, "}"]) + "\n"


def _cluster(place: Place, indent: str) -> list[str]:
    lines = [f"{indent}subgraph cluster{place.key} {{", f"{indent}  label={_quote(place.label)};",
             f'{indent}  style=rounded; color="#888888";']
    lines += [f"{indent}  {_node(n)}" for n in place.nodes]
    for inner in place.inner.values():
        lines += _cluster(inner, indent + "  ")
    return [*lines, f"{indent}}}"]


def _node(node: Node) -> str:
    style = _STYLES.get(node.mark)
    label = _quote("\n".join(node.lines))
    return f"{node.key} [label={label}{', ' + style if style else ''}];"


def _quote(text: str) -> str:
    """A DOT double-quoted string: backslash and quote escaped, a line break as ``\\n``."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'
