"""The route of an answer as a PNG for the answer's thread (``reachbot ask --format png`` draws the same).

Drawn from a redacted copy of the answer: whatever string of it the picture shows (names, ids, the route) has
been through the same redaction as every message (``bot.render.redact``), since an image cannot be redacted
after it is drawn.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.render.redact import redact_tree
from engine import Answer
from engine.picture import draw


@dataclass(frozen=True, slots=True)
class Picture:
    png: bytes
    filename: str
    title: str  # also the image's alt text for screen readers


def route_picture(answer: Answer) -> Picture:
    safe = Answer.model_validate(redact_tree(answer.to_json_dict()))
    png = draw(safe, "png")
    assert isinstance(png, bytes)
    source = safe.source.name or safe.source.id
    return Picture(png, "route.png", f"Route: {source} to {safe.destination.id} ({safe.verdict})")
