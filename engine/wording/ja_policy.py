"""Policy evidence in Japanese: the counterpart of ``engine.policy.explain`` for the Japanese catalog.

Statements are numbered from 1 as the console shows them; element names (Principal, Action, Condition),
operators, keys, Sids and ARNs stay as written in the policy so they can be searched. The policy kinds use
the console's names (バケットポリシー, エンドポイントポリシー, アクセス許可の境界, SCP, RCP).
"""

from __future__ import annotations

import re
from typing import Any

from engine.codes import Code
from engine.policy.model import AccessDecision, Check, Decision, PolicyResult, StatementEvaluation

NOTE_TEXT_JA = {
    Code.NOTPRINCIPAL_ROLE_SESSION: "NotPrincipal にセッション ARN、ロール ARN、アカウントの一部しか書かれて"
    "いません。AWS はアカウント、ロール、セッションの順に確認することがあるため、この Deny は適用されるものとして"
    "扱います",
    Code.NOTPRINCIPAL_ACCOUNT_MISSING: "NotPrincipal にユーザーは書かれていますが、そのアカウントが書かれて"
    "いません。この Deny は適用されるものとして扱います",
    Code.ACCOUNT_PRINCIPAL_DELEGATES: "バケットポリシーの Allow はアカウントだけを指定しており、判断はロールの"
    " ID ベースのポリシーに委ねられます。これだけではロールにアクセスを許可しません",
    Code.ACCOUNT_PRINCIPAL_ROOT_ONLY: 'エンドポイントポリシーの "AWS": アカウント の Allow はルートユーザー'
    "だけに許可し、アカウントのロールには許可しません",
    Code.POLICY_VARIABLE_UNRESOLVED: "ポリシー変数をリクエストから解決できなかったため、その値はどれにも一致"
    "しません",
    Code.NOTPRINCIPAL_WITH_BOUNDARY: "NotPrincipal を使った Deny は、アクセス許可の境界を持つプリンシパルには、"
    "NotPrincipal の内容にかかわらず常に適用されます",
}

KIND_JA = {
    "endpoint": "エンドポイントポリシー", "bucket": "バケットポリシー", "identity": "ID ベースのポリシー",
    "generic": "ポリシー", "boundary": "アクセス許可の境界", "scp": "サービスコントロールポリシー (SCP)",
    "rcp": "リソースコントロールポリシー (RCP"
           ")", "session": "セッションポリシー", "resource": "リソースベースのポリシー",
}

_DECISION_JA = {
    Decision.ALLOW: "許可しています",
    Decision.EXPLICIT_DENY: "明示的に拒否しています",
    Decision.IMPLICIT_DENY: "許可していません（暗黙的な拒否）",
}

_ELEMENT_JA = {
    # element: (subject, when it lets the statement apply, when it does not)
    "Principal": ("プリンシパル", "は Principal に含まれます", "は Principal に含まれません"),
    "NotPrincipal": ("プリンシパル", "は NotPrincipal で除外されていません", "は NotPrincipal で除外されています"),
    "Action": ("アクション", "は Action に一致します", "は Action に含まれません"),
    "NotAction": ("アクション", "は NotAction に含まれません", "は NotAction で除外されています"),
    "Resource": ("リソース", "は Resource に一致します", "は Resource に含まれません"),
    "NotResource": ("リソース", "は NotResource に含まれません", "は NotResource で除外されています"),
}
# The snapshot's English kind words around a policy's name ("bucket policy of app-data", "vpce-1 endpoint policy"):
# the Japanese kind is said once, in front.
_NAMED = re.compile(r"^(bucket|key|resource) policy (of )?|\s(endpoint|bucket|resource) policy$")


def _values(values: list[Any], *, listed: bool = False) -> str:
    shown = [str(v) for v in values]
    if len(shown) == 1:
        return shown[0]
    return f"[{', '.join(shown)}]" if listed else f"{', '.join(shown)} のいずれか"


def _absent(check: Check) -> str:
    op = (check.operator or "").lower()
    if op == "null":
        return "Null 条件は成立" if check.ok else "Null 条件は不成立"
    if op.endswith("ifexists"):
        return "IfExists により一致"
    if op.startswith("forallvalues:"):
        return "キーがないため ForAllValues は一致"
    if op.startswith("foranyvalue:"):
        return "キーがないため ForAnyValue は不一致"
    return "否定の演算子なので一致" if check.ok else "演算子は不一致"


def _holds(check: Check) -> str:
    return "（成立）" if check.ok else "（不成立）"


def _condition(check: Check) -> str:
    head = f"条件 {check.operator} {check.key}"
    if check.unknown:
        return f"{head}: キーの値がスナップショットにありません（{'成立' if check.ok else '不成立'}とみなします）"
    if not check.present:
        return f"{head}: リクエストにキーがありません（{_absent(check)}）"
    if (check.operator or "").lower() == "null":
        return f"{head}: キーはあり、ポリシーは Null {_values(check.policy_values)} を要求" + _holds(check)
    wants = _values(check.policy_values)
    return f"{head}: リクエストは {check.request_value}、ポリシーは {wants} を要求" + _holds(check)


def describe_check(check: Check) -> str:
    if check.element == "Condition":
        text = _condition(check)
    elif check.unknown:
        effect = "ステートメントが適用される" if check.ok else "ステートメントは適用されない"
        text = (f"リクエストのリソースが不明なため、{check.element} {_values(check.policy_values, listed=True)} では"
                f"{effect}ものとみなします")
    else:
        subject, yes, no = _ELEMENT_JA.get(check.element, (check.element, "は一致します", "は一致しません"))
        text = f"{subject} {check.request_value} {yes if check.ok else no} {_values(check.policy_values, listed=True)}"
    return text + (f" [{NOTE_TEXT_JA.get(check.note, str(check.note))}]" if check.note else "")


def statement_label(ev: StatementEvaluation) -> str:
    sid = f"Sid {ev.sid}、" if ev.sid else ""
    return f"ステートメント {ev.index + 1}（{sid}{ev.effect}）"


def describe_statement(ev: StatementEvaluation) -> str:
    if ev.matched:
        shown = [c for c in ev.checks if c.element == "Condition" or c.note] or ev.checks
        return f"{statement_label(ev)}: 一致 — " + "; ".join(describe_check(c) for c in shown)
    failing = [c for c in ev.checks if not c.ok]
    return f"{statement_label(ev)}: 不一致 — " + "; ".join(describe_check(c) for c in failing)


def policy_label(result: PolicyResult) -> str:
    return f"{KIND_JA.get(str(result.kind), str(result.kind))} {_NAMED.sub('', result.name)}"


def describe_result(result: PolicyResult) -> str:
    text = f"{policy_label(result)} は{_DECISION_JA[result.decision]}"
    if result.deciding is not None:
        text += f"（決め手: {statement_label(result.deciding)}）"
    if not result.statements:
        return text + "（ステートメントなし）"
    fared = "、".join(f"{e.index + 1} {'一致' if e.matched else '不一致'}" for e in result.statements)
    return f"{text}（ステートメント: {fared}）"


def describe_decision(decision: AccessDecision) -> str:
    if decision.allowed:
        parts = ["許可されます。"]
    else:
        parts = [f"{decision.resource} の {decision.code} で拒否されます。"]
        parts.append(f"決め手: {describe_statement(decision.deciding)}。" if decision.deciding is not None else
                     "暗黙的な拒否: このリクエストを許可するステートメントがありません。")
    if decision.results:
        parts.append("評価したポリシー: " + "; ".join(describe_result(r) for r in decision.results) + "。")
    for code, resource, ev in decision.others:
        detail = f"（{statement_label(ev)}）" if ev is not None else "（暗黙的な拒否）"
        parts.append(f"ほかにも {resource} の {code} で拒否{detail}。")
    parts.extend(f"注記 {n}: {NOTE_TEXT_JA.get(n, str(n))}。" for n in decision.notes)
    if decision.undetermined:
        parts.append("未確定: 判定は " + ", ".join(decision.undetermined)
                     + " の値次第ですが、その値はスナップショットにありません。")
    return "".join(parts)
