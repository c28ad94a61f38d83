"""Reading an incident thread for a handoff: the symptom, the questions asked, what was already tried.

Pure functions over the messages ``conversations.replies`` returns; the shortcut listener fetches them and
re-runs the questions through :class:`bot.reach.Reach`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from bot.render.answer import METADATA_EVENT
from bot.slack_text import typed_text

MAX_QUESTIONS = 8
MAX_TRIED = 10
SYMPTOM_CHARS = 400
TRIED_CHARS = 300

# A message reports something tried when it has a doing word and a network/policy thing, or is a command.
_DID = re.compile(
    r"(?i)\b(tried|try|added|add|changed|change|set|updated|removed|deleted|reverted|rolled back|restarted|"
    r"rebooted|redeployed|applied|attached|detached|flushed|disabled|enabled|ran|checked|tested|replaced|"
    r"moved|excluded|whitelisted|allowlisted|opened)\b"
)
_THING = re.compile(
    r"(?i)(no_proxy|https?_proxy|\bproxy\b|\broute|\brtb-|\bpl-|prefix list|\bvpce-|endpoint|polic(y|ies)|"
    r"security group|\bsg-|\bnacl|network acl|\bdns\b|resolver|peering|\bpcx-|\btgw|transit gateway|"
    r"\bnat\b|\bcurl\b|nslookup|\bdig\b|squid|\biam\b|\brole\b)"
)
# The same in Japanese (a thread of the article's team): 「NO_PROXY に追加したが変わらず」.
_DID_JA = re.compile(r"(試し|追加|変更|設定|更新|削除|戻し|切り戻|再起動|再デプロイ|適用|アタッチ|デタッチ|"
                     r"無効|有効|実行|確認|テスト|置き換|移動|除外|許可|開け|開放)")
_THING_JA = re.compile(r"(プロキシ|ルート|エンドポイント|ポリシー|セキュリティグループ|ネットワーク ?ACL|"
                       r"ピアリング|名前解決|リゾルバー|ロール|NAT|Transit Gateway)", re.IGNORECASE)
_COMMAND = re.compile(r"(?i)(\bexport\s+\w*proxy\w*=|\baws\s+(ec2|s3api|s3|iam|ssm)\s|\bcurl\s+-)")
_SENTENCES = re.compile(r"(?<=[.!?;])\s+|(?<=[。！？])\s*|\n+")
_CODE_SPAN = re.compile(r"`([^`]+)`")


@dataclass(frozen=True, slots=True)
class AskedInThread:
    text: str
    runtime: str | None = None
    action: str | None = None
    by_reachbot: bool = False


@dataclass(frozen=True, slots=True)
class Tried:
    user: str | None
    ts: str
    text: str


@dataclass(frozen=True, slots=True)
class ThreadDigest:
    symptom: str
    symptom_user: str | None
    questions: list[AskedInThread] = field(default_factory=list)
    tried: list[Tried] = field(default_factory=list)
    message_count: int = 0


def digest(
    messages: Iterable[Mapping[str, Any]], is_question: Callable[[str], bool], bot_user_id: str | None,
    bot_id: str | None,
) -> ThreadDigest:
    symptom, symptom_user = "", None
    questions: list[AskedInThread] = []
    seen: set[str] = set()
    tried: list[Tried] = []
    count = 0
    for msg in messages:
        count += 1
        ours = bool(bot_id and msg.get("bot_id") == bot_id) or bool(bot_user_id and msg.get("user") == bot_user_id)
        if ours:
            asked = _from_our_answer(msg)
            if asked and asked.text.lower() not in seen:
                seen.add(asked.text.lower())
                questions.append(asked)
            continue
        if msg.get("bot_id") or msg.get("subtype") not in (None, "thread_broadcast"):
            continue  # other bots and channel housekeeping (joins, topic changes) are not the incident
        text = typed_text(str(msg.get("text", "")))
        if not text:
            continue
        if not symptom:
            symptom, symptom_user = _clip(text, SYMPTOM_CHARS), msg.get("user")
        for candidate in _question_candidates(text):
            if candidate.lower() not in seen and is_question(candidate):
                seen.add(candidate.lower())
                questions.append(AskedInThread(candidate))
                break
        if len(tried) < MAX_TRIED and _reports_an_attempt(text):
            tried.append(Tried(msg.get("user"), str(msg.get("ts", "")), _clip(text, TRIED_CHARS)))
    return ThreadDigest(symptom, symptom_user, questions[:MAX_QUESTIONS], tried, count)


def _from_our_answer(msg: Mapping[str, Any]) -> AskedInThread | None:
    meta = msg.get("metadata") or {}
    if meta.get("event_type") != METADATA_EVENT:
        return None
    payload = meta.get("event_payload") or {}
    question = payload.get("question")
    if not isinstance(question, str) or not question:
        return None
    return AskedInThread(question, payload.get("runtime") or None, payload.get("action") or None, by_reachbot=True)


def _question_candidates(text: str) -> list[str]:
    """The whole message, then code spans, lines and sentences: people wrap questions in chatter."""
    out = [text]
    out += [m.group(1).strip() for m in _CODE_SPAN.finditer(text)]
    out += [s.strip() for s in _SENTENCES.split(text) if s.strip()]
    unique: list[str] = []
    for c in out:
        if c and c not in unique and len(c) <= 500:
            unique.append(c)
    return unique


def _reports_an_attempt(text: str) -> bool:
    return bool(_COMMAND.search(text)) or (bool(_DID.search(text)) and bool(_THING.search(text))) or (
        bool(_DID_JA.search(text)) and bool(_THING_JA.search(text) or _THING.search(text)))


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
