"""The JSON answer's contract (docs/answer.md): its JSON Schema is generated from the pydantic model and
committed as docs/answer.schema.json, every answer validates against it and carries ``schema_version``."""

from __future__ import annotations

import json

import jsonschema
import pytest

from engine import Engine
from engine.answer import SCHEMA_VERSION
from engine.cli.main import main
from engine.estates.article import CASES
from tests.tools.gen_answer_schema import OUT, schema, text


def test_committed_schema_is_the_one_the_model_generates() -> None:
    """Regenerate with `.venv/bin/python tests/tools/gen_answer_schema.py` after changing engine/answer.py."""
    assert OUT.read_text() == text()


def test_schema_holds_the_keys_interfaces_fix() -> None:
    required = set(schema()["required"])
    assert {"schema_version", "question", "verdict", "source", "destination", "hops", "blocked_by",
            "explanations", "fixes", "caveats", "snapshot"} <= required


@pytest.mark.parametrize("case", [c[0] for c in CASES])
def test_every_article_answer_validates_against_the_schema(article_engine: Engine, case: int) -> None:
    _, src, bucket = CASES[case - 1]
    answer = article_engine.ask(f"why can {src} not reach bucket {bucket}").to_json_dict()
    jsonschema.validate(answer, schema())
    assert answer["schema_version"] == SCHEMA_VERSION and answer["destination"]["port"] == 443


def test_ask_json_demo_json_and_batch_lines_carry_schema_version(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["ask", "web-osaka-a -> app-data", "--json", "--no-fixes"]) == 0
    assert json.loads(capsys.readouterr().out)["schema_version"] == SCHEMA_VERSION
    assert main(["demo", "--json"]) == 0
    assert {c["answer"]["schema_version"] for c in json.loads(capsys.readouterr().out)} == {SCHEMA_VERSION}
    batch = tmp_path / "q.txt"
    batch.write_text("web-osaka-a -> app-data\nbatch-osaka-b -> app-data\n")
    assert main(["ask", "--batch", str(batch), "--json", "--no-fixes"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [line["schema_version"] for line in lines] == [SCHEMA_VERSION, SCHEMA_VERSION]
