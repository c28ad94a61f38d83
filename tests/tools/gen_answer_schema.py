"""Regenerate docs/answer.schema.json, the JSON Schema of reachbot's answer, from the pydantic model
(engine.answer.Answer). tests/test_answer_contract.py fails when the committed file differs. From the repo root:

    .venv/bin/python tests/tools/gen_answer_schema.py
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from engine.answer import SCHEMA_VERSION, Answer

OUT = Path(__file__).resolve().parents[2] / "docs" / "answer.schema.json"


def schema() -> dict[str, Any]:
    body = Answer.model_json_schema(mode="serialization")
    return {"$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": f"reachbot-answer-v{SCHEMA_VERSION}", **body}


def text() -> str:
    return json.dumps(schema(), indent=2, sort_keys=True) + "\n"


if __name__ == "__main__":
    OUT.write_text(text())
    print(f"wrote {OUT}")
