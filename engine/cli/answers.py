"""The one shape of a list of answered questions, shared by ``ask --batch``, ``demo`` and ``check``.

Each item is a question and either its answer or why it could not be answered, plus what the list knows about
it (``{"case": 3}`` in ``demo``, the intent in ``check``). As JSON an item is ``{**context, "question": …,
"answer": {…}}`` or ``{**context, "question": …, "error": …}`` (``demo --json`` and ``check --json`` list them;
``ask --batch --json`` prints the answer itself per line, as interfaces.md fixed before this module, and a bad
line as the error item). As text every item is its title, ``? question`` and the compact answer, so the three
commands read alike.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from engine.answer import Answer
from engine.cli.render import render
from engine.wording import EN, Wording

# `--exit-code` (interfaces.md): 0 reachable, 1 blocked, 3 unknown; 2 stays bad input.
EXIT_BY_VERDICT = {"reachable": 0, "blocked": 1, "unknown": 3}
EXIT_BAD_ITEM = 2
# For a list, the worst item decides: a question that could not be asked outranks every verdict, and
# "cannot tell" outranks "blocked", since a script must not read an unknown as a known refusal.
_SEVERITY = [0, 1, 3, EXIT_BAD_ITEM]


@dataclass(frozen=True)
class Answered:
    question: str  # as shown to the user: URL credentials already masked
    answer: Answer | None = None
    error: str | None = None  # why the question could not be answered, when it could not
    context: dict[str, Any] = field(default_factory=dict)
    title: str = ""  # the text form's first line ("Case 3", an intent's verdict), when the list has one

    @property
    def exit_status(self) -> int:
        return EXIT_BY_VERDICT[self.answer.verdict] if self.answer is not None else EXIT_BAD_ITEM


def worst_exit(items: list[Answered]) -> int:
    """The ``--exit-code`` of a list: its worst item's (0 for an empty list: nothing failed)."""
    return max((i.exit_status for i in items), key=_SEVERITY.index, default=0)


def json_item(item: Answered) -> dict[str, Any]:
    if item.answer is None:
        return {**item.context, "question": item.question, "error": item.error}
    return {**item.context, "question": item.question, "answer": item.answer.to_json_dict()}


def text_item(item: Answered, *, answer: bool = True, wording: Wording = EN) -> str:
    """Title, ``? question`` and (unless ``answer`` is False) the compact answer or the error, then a blank line."""
    lines = [item.title] if item.title else []
    lines.append(f"? {item.question}")
    if item.answer is None:
        error = item.error if "line" not in item.context else wording.fmt(
            wording.label("cli.batch-error"), {"number": item.context["line"], "error": item.error})
        lines.append(f"reachbot: {error}")
    elif answer:
        lines.append(render(item.answer, compact=True, wording=wording))
    return "\n".join(lines) + "\n"
