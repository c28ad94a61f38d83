"""The route as a PNG image, drawn with Pillow: one box per hop from top to bottom, arrows between them, the
places they sit in (account ⊃ region ⊃ VPC) as nested frames around each run of consecutive hops, the proxy and
endpoints filled, the refusing hop in red.

A simple top-down layout of our own rather than a graph layout engine: a route is a chain, so rows suffice,
and Graphviz would be a system binary (reachbot installs from wheels alone).
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image, ImageDraw, ImageFont

from engine.answer import Answer
from engine.picture.layout import ENDPOINT, LOOKUP, PROXY, REFUSED, VERDICT, Node, headline, nodes
from engine.wording import EN, Wording

MARGIN, INDENT, LABEL_H, PAD_BOTTOM, NODE_H, GAP, LINE_H = 20, 18, 22, 10, 0, 26, 18
_FILL = {REFUSED: "#fde2e2", PROXY: "#e3eefc", ENDPOINT: "#e2f5e6", LOOKUP: "#f6f6f6", VERDICT: "#eeeeee"}
_EDGE = {REFUSED: "#d00000", PROXY: "#1f5fbf", ENDPOINT: "#1e8a3c", LOOKUP: "#9a9a9a", VERDICT: "#666666"}
_FRAME = ("#555555", "#7a7a9a", "#2e7d5b")  # account, region, VPC
Frame = tuple[int, tuple[str | None, ...], str]  # level, identity (with its parents), label


@dataclass(frozen=True, slots=True)
class _Run:
    """One frame drawn around the consecutive rows ``first``..``last`` that share it."""

    level: int
    first: int
    last: int
    label: str


def png(answer: Answer, wording: Wording = EN) -> bytes:
    all_nodes = nodes(answer, wording)
    font = _font(13)
    frames = [_frames(n, wording) for n in all_nodes]
    height_of = [len(n.lines) * LINE_H + 12 for n in all_nodes]
    tops, bottom = _rows(frames, height_of)
    text_w = max([_width(font, line) for n in all_nodes for line in n.lines] + [_width(font, headline(answer, "->"))])
    width = 2 * MARGIN + 6 * INDENT + max(320, text_w + 24)
    image = Image.new("RGB", (width, bottom + MARGIN), "white")
    draw = ImageDraw.Draw(image)
    draw.text((MARGIN, MARGIN // 2), headline(answer, "->"), fill="#111111", font=font)
    for run in _runs(frames):
        _frame(draw, font, run, frames, tops, height_of, width)
    for i, node in enumerate(all_nodes):
        _box(draw, font, node, tops[i], height_of[i], len(frames[i]), width)
        if i:
            _arrow(draw, width // 2, tops[i - 1] + height_of[i - 1], tops[i], _EDGE.get(node.mark, "#444444")
                   if node.mark == REFUSED else "#444444")
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _frames(node: Node, wording: Wording) -> list[Frame]:
    """The frames a node sits in, outermost first; an identity carries its parents' so equal means nested alike."""
    account, region, vpc = node.places
    labels = (f"{wording.label('picture-account')} {account}", region or "", vpc or "")
    values = (account, region, vpc)
    return [(level, values[: level + 1], labels[level]) for level in range(3) if values[level] is not None]


def _rows(frames: list[list[Frame]], height_of: list[int]) -> tuple[list[int], int]:
    """Each row's top: room above a row for the labels of the frames opening there, below one for those closing."""
    y, tops = MARGIN + LABEL_H + 6, []
    for i, mine in enumerate(frames):
        before = frames[i - 1] if i else []
        if i:
            y += GAP + PAD_BOTTOM * sum(1 for f in before if f not in mine)
        y += LABEL_H * sum(1 for f in mine if f not in before)
        tops.append(y)
        y += height_of[i]
    return tops, y + PAD_BOTTOM * len(frames[-1] if frames else []) + 4


def _runs(frames: list[list[Frame]]) -> list[_Run]:
    runs: list[_Run] = []
    open_at: dict[Frame, int] = {}
    for i, mine in enumerate([*frames, []]):
        for frame in [f for f in open_at if f not in mine]:
            runs.append(_Run(frame[0], open_at.pop(frame), i - 1, frame[2]))
        for frame in mine:
            open_at.setdefault(frame, i)
    return sorted(runs, key=lambda r: r.level)


def _frame(draw: ImageDraw.ImageDraw, font: ImageFont.FreeTypeFont | ImageFont.ImageFont, run: _Run,
           frames: list[list[Frame]], tops: list[int], height_of: list[int], width: int) -> None:
    """Outer frames first; a frame's inset is its position among the frames of the row (a VPC box directly in a
    region, with no account, sits one step in)."""
    first, last = frames[run.first], frames[run.last]
    depth_in = next(k for k, f in enumerate(first) if f[0] == run.level)
    depth_out = next(k for k, f in enumerate(last) if f[0] == run.level)
    x0, x1 = MARGIN + depth_in * INDENT, width - MARGIN - depth_in * INDENT
    y0 = tops[run.first] - (len(first) - depth_in) * LABEL_H
    y1 = tops[run.last] + height_of[run.last] + (len(last) - depth_out) * PAD_BOTTOM
    color = _FRAME[run.level]
    draw.rounded_rectangle((x0, y0, x1, y1), radius=8, outline=color, width=2)
    draw.text((x0 + 8, y0 + 3), run.label, fill=color, font=font)


def _box(draw: ImageDraw.ImageDraw, font: ImageFont.FreeTypeFont | ImageFont.ImageFont, node: Node, top: int,
         height: int, depth: int, width: int) -> None:
    x0, x1 = MARGIN + depth * INDENT + 8, width - MARGIN - depth * INDENT - 8
    edge = _EDGE.get(node.mark, "#333333")
    draw.rounded_rectangle((x0, top, x1, top + height), radius=6, fill=_FILL.get(node.mark, "#ffffff"),
                           outline=edge, width=3 if node.mark == REFUSED else 1)
    color = _EDGE[REFUSED] if node.mark == REFUSED else "#111111"
    for k, line in enumerate(node.lines):
        draw.text((x0 + 10, top + 6 + k * LINE_H), line, fill=color, font=font)


def _arrow(draw: ImageDraw.ImageDraw, x: int, y0: int, y1: int, color: str) -> None:
    draw.line((x, y0, x, y1 - 2), fill=color, width=2)
    draw.polygon(((x - 5, y1 - 9), (x + 5, y1 - 9), (x, y1 - 1)), fill=color)


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """Pillow's bundled font at ``size`` (FreeType is in its wheels); the bitmap default where it is not."""
    try:
        return ImageFont.load_default(size=size)
    except (OSError, TypeError):
        return ImageFont.load_default()


def _width(font: ImageFont.FreeTypeFont | ImageFont.ImageFont, text: str) -> int:
    left, _, right, _ = font.getbbox(text)
    return int(right - left)
