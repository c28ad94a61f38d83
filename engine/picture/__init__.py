"""Pictures of an answer's route: Mermaid, Graphviz DOT and PNG.

Not part of the engine's pure core: only the command line and the Slack bot import it (tests/test_layers.py),
and the PNG needs Pillow. Every drawing works from the :class:`~engine.answer.Answer` (its hops, with their
account, region and VPC), so it shows the answer the user reads.
"""

from __future__ import annotations

from engine.answer import Answer
from engine.wording import EN, Wording

FORMATS = ("mermaid", "dot", "png")


def draw(answer: Answer, fmt: str, wording: Wording = EN) -> str | bytes:
    """The route in ``fmt`` (one of :data:`FORMATS`): text for Mermaid and DOT, PNG bytes for png."""
    if fmt == "mermaid":
        from engine.picture.mermaid import mermaid

        return mermaid(answer, wording)
    if fmt == "dot":
        from engine.picture.dot import dot

        return dot(answer, wording)
    if fmt == "png":
        from engine.picture.png import png  # Pillow loads only for a PNG

        return png(answer, wording)
    raise ValueError(f"unknown picture format {fmt!r}; one of {', '.join(FORMATS)}")


__all__ = ["FORMATS", "draw"]
