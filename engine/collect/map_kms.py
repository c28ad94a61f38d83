"""KMS and Secrets Manager API output of one (account, region) → snapshot objects. Pure: dicts in, models out.

ListKeys answers ``Keys`` (KeyId, KeyArn); DescribeKey ``KeyMetadata`` (Arn, KeyState, KeyManager);
GetKeyPolicy ``Policy`` (the document as text); ListAliases ``Aliases`` (AliasName, TargetKeyId; AWS-managed
aliases without a target are skipped). ListSecrets answers ``SecretList`` (ARN, Name); GetResourcePolicy
``ResourcePolicy`` (text, absent when the secret has no policy).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from engine import model as m

Api = Mapping[str, Any]


def region_items(responses: Mapping[str, Api], keyed: Mapping[str, Mapping[str, Api]],
                 region: str) -> dict[str, list[Any]]:
    return {"kms_keys": kms_keys(responses.get("ListKeys", {}), responses.get("ListAliases", {}),
                                 keyed.get("DescribeKey", {}), keyed.get("GetKeyPolicy", {}), region),
            "secrets": secrets(responses.get("ListSecrets", {}), keyed.get("GetResourcePolicy", {}), region)}


def kms_keys(listed: Api, aliases: Api, described: Mapping[str, Api], policies: Mapping[str, Api],
             region: str) -> list[m.KmsKey]:
    by_key: dict[str, list[str]] = {}
    for alias in aliases.get("Aliases", []):
        if alias.get("TargetKeyId"):
            by_key.setdefault(alias["TargetKeyId"], []).append(alias["AliasName"])
    out = []
    for key in listed.get("Keys", []):
        key_id = key["KeyId"]
        meta = (described.get(key_id) or {}).get("KeyMetadata") or {}
        arn = meta.get("Arn") or key.get("KeyArn")
        if not arn:
            continue
        policy = (policies.get(key_id) or {}).get("Policy")
        out.append(m.KmsKey(key_id=key_id, arn=arn, region=region, key_state=meta.get("KeyState", "Enabled"),
                            key_manager=meta.get("KeyManager", "CUSTOMER"), aliases=sorted(by_key.get(key_id, [])),
                            policy=policy or None))
    return out


def secrets(listed: Api, policies: Mapping[str, Api], region: str) -> list[m.Secret]:
    return [m.Secret(arn=s["ARN"], name=s["Name"], region=region,
                     policy=(policies.get(s["ARN"]) or {}).get("ResourcePolicy") or None)
            for s in listed.get("SecretList", [])]
