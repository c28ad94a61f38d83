"""The route as a Mermaid flowchart (GitHub, GitLab and Slack canvases render it): places as nested subgraphs,
the proxy and endpoints marked by class, the refusing hop in red (Mermaid docs, "Flowcharts": subgraphs,
classDef)."""

from __future__ import annotations

from engine.answer import Answer
from engine.picture.layout import ENDPOINT, LOOKUP, PROXY, REFUSED, VERDICT, Node, Place, headline, nodes, places
from engine.wording import EN, Wording

_CLASSES = {
    REFUSED: "fill:#fde2e2,stroke:#d00000,stroke-width:3px,color:#900000",
    PROXY: "fill:#e3eefc,stroke:#1f5fbf,stroke-width:2px",
    ENDPOINT: "fill:#e2f5e6,stroke:#1e8a3c,stroke-width:2px",
    LOOKUP: "fill:#f4f4f4,stroke:#999999,stroke-dasharray:4 3",
    VERDICT: "fill:#eeeeee,stroke:#666666",
}


def mermaid(answer: Answer, wording: Wording = EN) -> str:
    all_nodes = nodes(answer, wording)
    root, loose = places(all_nodes, wording)
    lines = ["flowchart TB", f"  %% {_text(headline(answer))}"]
    lines += [f"  {_box(n)}" for n in loose]
    for place in root.inner.values():
        lines += _subgraph(place, "  ")
    lines += [f"  {a.key} --> {b.key}" for a, b in zip(all_nodes, all_nodes[1:], strict=False)]
    used = {n.mark for n in all_nodes}
    lines += [f"  classDef {mark} {style}" for mark, style in _CLASSES.items() if mark in used]
    lines += [f"  class {n.key} {n.mark}" for n in all_nodes if n.mark in _CLASSES]
    return "\n".join(lines) + "\n"


def _subgraph(place: Place, indent: str) -> list[str]:
    lines = [f'{indent}subgraph {place.key}["{_text(place.label)}"]']
    lines += [f"{indent}  {_box(n)}" for n in place.nodes]
    for inner in place.inner.values():
        lines += _subgraph(inner, indent + "  ")
    return [*lines, f"{indent}end"]


def _box(node: Node) -> str:
    text = "<br/>".join(_text(line) for line in node.lines)
    return f'{node.key}(["{text}"])' if node.mark == LOOKUP else f'{node.key}["{text}"]'


def _text(text: str) -> str:
    """Mermaid labels are quoted strings: a double quote or markup character is written as an entity."""
    return (text.replace("&", "#amp;").replace('"', "#quot;").replace("<", "#lt;").replace(">", "#gt;")
            .replace("\n", " "))
