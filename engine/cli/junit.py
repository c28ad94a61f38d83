"""JUnit XML for ``reachbot check --junit OUT``: one ``testcase`` per intent and source instance.

The shape CI systems read (Jenkins' and GitHub test reporters'): ``testsuites`` > ``testsuite`` (counts of
``tests``, ``failures``, ``errors``, ``skipped``) > ``testcase`` (``classname``, ``name``), a violated intent
holding ``<failure message=… type=…>`` with the refusal code and what refuses it, an unknown answer let pass by
``--unknown-ok`` holding ``<skipped>``. Written with ``xml.etree``, so every value is escaped.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from engine.cli.render import render
from engine.errors import ReachbotError
from engine.intents import Result


def junit_tree(suite: str, results: list[Result], unknown_ok: bool) -> ET.ElementTree:
    failures = sum(1 for r in results if r.status == "violated" or (r.status == "unknown" and not unknown_ok))
    skipped = sum(1 for r in results if r.status == "unknown" and unknown_ok)
    counts = {"tests": str(len(results)), "failures": str(failures), "errors": "0", "skipped": str(skipped)}
    root = ET.Element("testsuites", {"name": "reachbot check", **counts})
    ts = ET.SubElement(root, "testsuite", {"name": suite, **counts})
    for r in results:
        label = r.instance.name or r.instance.instance_id
        case = ET.SubElement(ts, "testcase", {"classname": suite, "name": f"{r.intent.name} [{label}]"})
        if r.status == "unknown" and unknown_ok:
            ET.SubElement(case, "skipped", {"message": _message(r)})
        elif r.status != "holds":
            failure = ET.SubElement(case, "failure", {"message": _message(r), "type": _type(r)})
            failure.text = render(r.answer)
    return ET.ElementTree(root)


def write_junit(path: str, suite: str, results: list[Result], unknown_ok: bool) -> None:
    tree = junit_tree(suite, results, unknown_ok)
    ET.indent(tree)
    try:
        tree.write(Path(path), encoding="utf-8", xml_declaration=True)
    except OSError as exc:
        raise ReachbotError(f"cannot write the JUnit report to {path}: {exc.strerror or exc}.") from None


def _type(r: Result) -> str:
    """The refusal code when blocked, else the verdict: what a CI page groups failures by."""
    b = r.answer.blocked_by
    return b.code if b is not None else r.answer.verdict


def _message(r: Result) -> str:
    expected = f"{r.intent.expect} ({r.intent.code})" if r.intent.code else r.intent.expect
    b = r.answer.blocked_by
    got = f"blocked: {b.code} at {b.resource}" if b is not None else r.answer.verdict
    why = f" ({'; '.join(r.answer.caveats)})" if r.answer.verdict == "unknown" and r.answer.caveats else ""
    return f"expected {expected}, got {got}{why}: {r.question}"
