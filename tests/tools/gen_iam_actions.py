"""Regenerate engine/data/iam-actions.json from botocore's service models (shipped with boto3).

For these services an IAM action has the name of the API operation it authorises (Service Authorization
Reference), so the model's operation names are the action list. Run from the repository root:

    .venv/bin/python tests/tools/gen_iam_actions.py
"""

from __future__ import annotations

import json
from pathlib import Path

import botocore.loaders

# IAM service prefix -> botocore service name.
SERVICES = {"kms": "kms", "secretsmanager": "secretsmanager", "ssm": "ssm", "sts": "sts", "logs": "logs",
            "ecr": "ecr", "dynamodb": "dynamodb"}
OUT = Path(__file__).resolve().parents[2] / "engine" / "data" / "iam-actions.json"


def operations() -> dict[str, list[str]]:
    loader = botocore.loaders.create_loader()
    return {prefix: sorted(loader.load_service_model(name, "service-2")["operations"])
            for prefix, name in SERVICES.items()}


if __name__ == "__main__":
    OUT.write_text(json.dumps(operations(), indent=1, sort_keys=True) + "\n")
    print(f"wrote {OUT}")
