"""Japanese: every sentence a user reads about a trace, as a Japanese network engineer reads it (です/ます).

Resource names follow the AWS console in Japanese (ルートテーブル, VPC エンドポイント, エンドポイントポリシー,
バケットポリシー, セキュリティグループ, ネットワーク ACL, NAT ゲートウェイ, インターネットゲートウェイ, Transit Gateway
アタッチメント); codes, resource ids, environment variables and commands stay as they are. Keys and placeholders
are those of ``en.py`` (a test keeps them the same).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from engine.codes import Code, Layer, Reason
from engine.dns import Address
from engine.filters import FilterResult
from engine.model import IpPermission, NetworkAclEntry
from engine.wording.catalog import Catalog, Template
from engine.wording.ja_policy import KIND_JA, NOTE_TEXT_JA, describe_decision, describe_result, describe_statement
from engine.wording.ja_screen import SCREEN
from engine.wording.policy_detail import PolicyWords, policy_refusal

if TYPE_CHECKING:
    from engine.wording.catalog import Wording

Facts = Mapping[str, Any]


def _address(addr: Address) -> str:
    if addr.ip:
        return addr.ip
    if addr.service:
        return f"{addr.region} の {addr.service} のパブリックアドレス"
    return "インターネット上のパブリックアドレス"


LABELS = {
    "none": "なし",
    "private-hosted-zone": "プライベートホストゾーン",
    "interface-endpoint": "インターフェイスエンドポイント",
    "instance-dns": "インスタンスの DNS 名",
    "literal": "アドレスの直接指定",
    "public": "パブリック DNS",
    "reserved": "どこも応答しません（予約済みの名前）",
    "ec2-name": "Amazon 提供のリゾルバー（スナップショットにないインスタンスの名前）",
    "forwarded": "Resolver の転送ルール（VPC 外のリゾルバーが応答）",
    "dns-firewall": "Route 53 Resolver DNS Firewall（ブロックします）",
    "resolver-disabled": "どこも応答しません（VPC の Amazon 提供リゾルバーが無効）",
    "vpc-peering": "ピアリング接続",
    "tgw-attachment": "Transit Gateway アタッチメント",
    "not-in-snapshot": "ルートのターゲット",
    "peering": "Transit Gateway ピアリング",
    "vpn": "VPN",
    "direct-connect-gateway": "Direct Connect ゲートウェイ",
    "connect": "Connect アタッチメント",
    # reachbot diff and the Slack "What changed?" button (issue #13).
    "diff-title": "{old}（取得 {old_at}）から {new}（取得 {new_at}）までの変更です",
    "diff-no-changes": "変更はありません。2 つのスナップショットの構成は同じです。",
    "diff-changes": "変更（{count} 件、AWS リソースごと）:",
    "diff-more-changes": "…ほか {count} 件です（reachbot diff --json ですべて表示されます）",
    "diff-before": "変更前",
    "diff-after": "変更後",
    "diff-absent": "（なし）",
    "diff-answers": "回答（変更前 → 変更後）:",
    "diff-flows": "よく使われる {count} 件の通信（クライアントインスタンスの種類ごとに各バケットへ）"
                  "のうち、判定が変わったものです:",
    "diff-no-flips": "よく使われる通信で判定が変わったものはありません（{count} 件を追跡しました。"
                     "クライアントインスタンスの種類ごとに各バケットへ）。",
    "diff-flipped": "判定が変わりました",
    "diff-unchanged": "変化なし",
    "diff-not-there": "そのスナップショットにはありません",
    "diff-explained-by": "原因となった変更（経路上の変更、可能性の高い順）:",
    "diff-alone": "この変更だけで判定が変わります",
    "diff-unexplained": "この経路上に変更はありません。判定の変化は経路に現れない要素によるものです",
    "diff-on-route": "経路上の変更（判定は変わっていません）: {ids}",
    "diff-since-nothing": "比較できる以前のスナップショットがありません: {reason}",
    "what-changed": "何が変わりましたか？",
    # The Slack app's Home tab (bot/render/home.py).
    "home-title": "reachbot: X から Y に届かないのはなぜですか？",
    "home-how-to-ask": (
        "どのチャンネルからでも `/reach 質問` で質問できます（回答はあなたにだけ表示されます）。`@reachbot 質問` と"
        "メンションすると回答はスレッドに投稿されます。インシデントのスレッドでは、メッセージショートカット "
        "*Handoff summary* がスレッド内の質問を再実行し、次の担当者への引き継ぎを作成します。質問に含められる内容は "
        "`/reach help` で確認できます。"
    ),
    "home-examples": "*このスナップショットの名前で試してください*",
    "home-example-bucket": "{source} からバケット {bucket} に届かないのはなぜ",
    "home-example-service": "{ip} は {host} に接続できない",
    "home-snapshot": "*使用中のスナップショット*",
    "home-snapshot-source": "*取得元:* {origin}、{taken_at} に取得（{age} 前）",
    "home-snapshot-accounts": "*アカウント:* {accounts}",
    "home-snapshot-no-accounts": "*アカウント:* 質問できるアカウントはありません",
    "home-snapshot-regions": "*リージョン:* {regions}",
    "home-snapshot-no-gaps": "*収集漏れ:* ありません。必要な情報はすべて収集できました。",
    "home-snapshot-gaps": "*収集漏れ:* 収集できなかった項目が {count} 件あります。"
                          "これに依存する回答は _判断できません_ となります:",
    "home-gap": "{account} {region}: {service} {operation}（{error}）",
    "home-more-gaps": "… ほか {count} 件です。",
    "home-recent": "*最近の質問*",
    "home-recent-none": "まだありません。`/reach` や `@reachbot` で質問すると、新しい順にここに表示されます。",
    "home-recent-memory": "この reachbot プロセスのメモリにのみ保持されます（直近 {count} 件）。"
                          "再起動後や別の reachbot インスタンスでは表示されません。",
    "home-asked": "{title} · {age} 前に質問",
    "home-refused-by": "`{resource}` が拒否しています（`{code}`）",
    "home-reask": "もう一度質問",
    "home-reasked": "現在のスナップショットで再度質問しました: {verdict} {question}",
    "home-reask-failed": ":warning: `{question}` には再度回答できませんでした。"
                         "reachbot がここでは質問を理解できないか、質問できる範囲の外です。",
    "home-reask-unreadable": ":warning: このボタンには reachbot が読み取れる質問がありません。`/reach 質問` で質問して"
                             "ください。",
    "home-verdict-reachable": ":white_check_mark: 到達可能です",
    "home-verdict-blocked": ":no_entry: 到達できません",
    "home-verdict-unknown": ":grey_question: 判断できません",
    # What admitted each hop, and the route's picture (issue #13).
    "all-traffic": "すべてのトラフィック",
    "route-local": "VPC のローカルルート",
    "route-static": "静的ルート",
    "route-propagated": "伝播されたルート",
    "picture-account": "アカウント",
    "picture-endpoint": "エンドポイント",
    "picture-refused": "ここで拒否されます",
    "picture-unknown": "スナップショットからは判断できません",
}
_SIDE = {"client": "クライアント", "proxy": "プロキシ"}


# --- hops -------------------------------------------------------------------------------------------------


def _route_table(w: Wording, f: Facts) -> str:
    main = "（メインルートテーブル）" if f.get("main") else ""
    return w.fmt("{subnet} のルートテーブル {rtb}" + main + ": {destination} は {route} → {target}", f)


def _dns(w: Wording, f: Facts) -> str:
    answer = "応答なし (NXDOMAIN)" if f.get("answer") is None else "{answer}"
    if f.get("answered_by") == "forwarded":
        answer = "応答はスナップショットの外から来ます"
    elif f.get("answered_by") == "dns-firewall":
        answer = "アドレスなし"
    side = _SIDE.get(str(f.get("side")), "{side} ")
    return w.fmt("{host} を {vpc}（" + side + "側）で名前解決、応答元は " + w.label(str(f.get("answered_by")))
                 + ": " + answer, f)


def _policy(f: Facts) -> str:
    return "カスタム" if f.get("custom_policy") else "デフォルト（フルアクセス）"


def _gateway_endpoint(w: Wording, f: Facts) -> str:
    return w.fmt("{service} 用の {vpce}（{vpc} のゲートウェイエンドポイント、ポリシー: " + _policy(f) + "）", f)


def _interface_endpoint(w: Wording, f: Facts) -> str:
    return w.fmt("{service} 用の {vpce}（インターフェイスエンドポイントの ENI {eni} {ip}、ポリシー:"
                 " " + _policy(f) + "）",
                 f)


def _appliance(w: Wording, f: Facts) -> str:
    if f.get("service"):
        return w.fmt("トラフィックは {service} の Gateway Load Balancer エンドポイント {target} に渡されます。判断す"
                     "るのは"
                     "その先のアプライアンスで、そのルールはスナップショットにありません", f)
    return w.fmt("トラフィックは {target} に渡されます。このアプライアンスの動作はモデル化していません", f)


def _network_firewall(w: Wording, f: Facts) -> str:
    head = "{subnet} の Network Firewall {firewall}（ポリシー {policy}）の {endpoint}"
    outcome = str(f.get("outcome"))
    if outcome == "unknown":
        return w.fmt(head + ": 判定はスナップショットからはわかりません", f)
    decided = "ルール {rule} により" if f.get("rule") else ""
    decided = ("ルールグループ {rule_group} の" + decided) if f.get("rule_group") else decided
    verb = {"pass": "通過", "drop": "破棄"}.get(outcome, outcome)
    return w.fmt(head + ": " + decided + verb + "（" + str(f.get("stage")).replace("-", " ") + "）", f)


def _service(w: Wording, f: Facts) -> str:
    if f.get("region") is None:  # a host outside AWS: no Region or service to name
        return w.fmt("{host}", f)
    return w.fmt("{region} の {service}（{host}）", f)


HOPS: dict[str, Template] = {
    "instance": "{name} {ip}（{subnet}、{vpc}、アカウント {account}）、ランタイム {runtime}",
    "proxy": "HTTP プロキシ {url}（{variable}）。名前解決はプロキシが行い、プロキシのサブネットのルートテーブルで経路が"
             "決まります",
    "dns": _dns,
    "route-table": _route_table,
    "route-table-return": "戻りの経路: {rtb} は {destination} を {route} → {target} に送ります",
    "vpc-peering": "ピアリング接続 {pcx}: {requester}（{requester_region}）⇄ {accepter}（{accepter_region}）、状態 "
                   "{status}",
    "transit-gateway": "{tgw} のルートテーブル {tgw_rtb}: {destination} → {attachment}",
    "transit-gateway-egress": "{destination} を {tgw} に渡します",
    "tgw-attachment-in": "{vpc} の {subnet}（{az}）の {attachment} から {tgw} に入ります",
    "tgw-attachment-out": "{tgw} は {vpc} の {subnet}（{az}）の {attachment} へ届けます",
    "nat-gateway": "{subnet} の NAT ゲートウェイ {nat}、送信元アドレス {public_ip}",
    "internet-gateway": "インターネットゲートウェイ {igw}、送信元アドレス {public_ip}",
    "gateway-endpoint": _gateway_endpoint,
    "interface-endpoint": _interface_endpoint,
    "s3-bucket": "バケット {bucket}（{region}、アカウント {account}）、{resource} への {action}",
    "service": _service,
    "destination-instance": "{name} {ip} ポート {port}（{subnet}）",
    "private-address": "{ip} ポート {port}（{interface_type}）",
    "appliance": _appliance,
    "network-firewall": _network_firewall,
    "resolver-endpoint": "アウトバウンド Resolver エンドポイント {endpoint} が {host} を {targets} へ転送します"
                         "（{rule}: {domain}）。経路: {routed}",
    # What admitted each hop (engine/evidence.py): plain templates, rendered with Wording.admission.
    "admitted-by": "{note}。通過を許可したルール: {rules}",
    "admitted-security-group-rule-egress": "{resource} のアウトバウンドルール {rule}（宛先 {peers}）",
    "admitted-security-group-rule-ingress": "{resource} のインバウンドルール {rule}（送信元 {peers}）",
    "admitted-network-acl-entry-egress": "{resource} のアウトバウンドルール {rule_number}（{action} {rule} {cidr}）",
    "admitted-network-acl-entry-ingress": "{resource} のインバウンドルール {rule_number}（{action} {rule} {cidr}）",
    "admitted-reply": "{text}（応答パケットに対して）",
    "admitted-route": "ルート {destination} → {target}（{how}）",
}


# --- filters ----------------------------------------------------------------------------------------------


def _sg_rule(rule: IpPermission) -> str:
    proto = "すべてのトラフィック" if rule.ip_protocol == "-1" else rule.ip_protocol
    ports = "" if rule.from_port in (None, -1) else (
        f" {rule.from_port}" if rule.from_port == rule.to_port else f" {rule.from_port}-{rule.to_port}")
    peers = [r.cidr_ip for r in rule.ip_ranges] + [p.prefix_list_id for p in rule.prefix_list_ids] + \
        [g.group_id for g in rule.user_id_group_pairs]
    return f"{proto}{ports} {', '.join(peers)}".strip()


def _security_groups(w: Wording, f: Facts) -> str:
    result: FilterResult = f["filter"]
    if isinstance(result.rule, IpPermission):
        return _sg_rule(result.rule)
    direction, towards = ("アウトバウンド", "宛て") if result.egress else ("インバウンド", "から")
    groups = ", ".join(result.groups) or "どのグループ"
    peer = w.value(result.peer, f)
    return (f"セキュリティグループ {groups} のどの{direction}ルールも {peer} {towards}の {result.protocol} "
            f"{result.ports[0]} を許可していません")


def _acl(w: Wording, f: Facts) -> str:
    result: FilterResult = f["filter"]
    direction = "アウトバウンド" if result.egress else "インバウンド"
    entry = result.rule
    if isinstance(entry, NetworkAclEntry):
        number = "*" if entry.rule_number == 32767 else str(entry.rule_number)
        action = {"allow": "許可", "deny": "拒否"}.get(str(entry.rule_action), str(entry.rule_action))
        rule = f"ルール {number} が {entry.cidr_block or entry.ipv6_cidr_block} を{action}"
    else:
        rule = "一致するルールがありません（暗黙的な拒否）"
    return w.fmt(f"ネットワーク ACL {result.resource}（{{subnet}} の{direction}）: {rule}", f)


# --- policies ---------------------------------------------------------------------------------------------


def _policy_refusal(code: Code) -> Template:
    return policy_refusal(code, _POLICY_WORDS)


def _no_policy(code: Code, resource: str) -> str:
    what = "バケットポリシー" if code is Code.BUCKET_POLICY_DENY else "リソースベースのポリシー"
    return f"{resource} には{what}がないため、クロスアカウントのリクエストを許可するものがありません"


_LAYER_LEAD = {
    # 各レイヤーの暗黙的な拒否の意味 (IAM ユーザーガイド「ポリシーの評価論理」)
    Layer.BOUNDARY: "アクセス許可の境界 {where} はこのリクエストを許可していません。境界は ID ベースのポリシー"
                    "（およびロールを指定したバケットポリシー）が付与できる範囲の上限です",
    Layer.SESSION: "セッションポリシー {where} はこのリクエストを許可していません",
    Layer.SCP: "{where} にアタッチされたどのサービスコントロールポリシー (SCP) もこのリクエストを許可していません。"
               "アカウントから組織のルートまでのすべての階層で許可が必要です",
    Layer.RCP: "{where} にアタッチされたどのリソースコントロールポリシー (RCP) もこのリクエストを許可していません。"
               "バケット所有者のアカウントから組織のルートまでのすべての階層で許可が必要です",
}
_RESOURCE_LEAD = ("{where} のリソースベースのポリシーは呼び出し元もそのアカウントも許可しておらず、IAM ポリシーだけでは"
                  "アクセスを付与できません")


_POLICY_WORDS = PolicyWords(describe_result, describe_statement, _no_policy, _LAYER_LEAD, _RESOURCE_LEAD)


def _policy_allows(w: Wording, f: Facts) -> str:
    return describe_decision(f["decision"])


# --- codes ------------------------------------------------------------------------------------------------


def _no_proxy_match(w: Wording, f: Facts) -> str:
    compared = "" if f.get("host") == f.get("url_host") else "（{runtime} が比較する名前は {url_host}）"
    return w.fmt("{runtime} は直接接続します: {variable} のエントリ {entry!r} が {host} に一致します" + compared, f)


def _missing(w: Wording, f: Facts) -> str:
    kind = w.label(str(f.get("kind")))
    if f.get("via"):
        return w.fmt("{via} の先の" + kind + " {resource} はスナップショットにありません", f)
    return w.fmt(kind + " {resource} はスナップショットにありません", f)


def _address_missing(w: Wording, f: Facts) -> str:
    if f.get("role") == "proxy":
        return w.fmt("プロキシのアドレス {ip} はスナップショットのどのインターフェイスにもありません（別のアカウントか"
                     "リージョン？）", f)
    return w.fmt("{ip} はスナップショットのどのインターフェイスにもありません。そこで何が応答するかは reachbot には"
                 "わかりません", f)


def _appliance_caveat(w: Wording, f: Facts) -> str:
    if str(f.get("kind")) == "gwlb-endpoint":
        return w.fmt("{destination} 宛てのトラフィックは Gateway Load Balancer エンドポイント {target} に渡されます。"
                     "判断するのはその先のアプライアンス（ファイアウォールや検査基盤）で、そのルールはスナップショッ"
                     "トに"
                     "ありません", f)
    return w.fmt("{destination} 宛てのトラフィックはアプライアンス {target} に渡されます。その先は reachbot には"
                 "見えません", f)


def _firewall_deny(w: Wording, f: Facts) -> str:
    text = "Network Firewall {firewall}（ポリシー {policy}）が {host} へのリクエストを破棄します: {rule}"
    if f.get("rule_group") != f.get("policy"):
        text += "（ルールグループ {rule_group}）"
    if f.get("why"):
        text += "（{why}）"
    return w.fmt(text, f)


def _policy_unread(w: Wording, f: Facts) -> str:
    default = "バケットポリシー" if str(f.get("layer")) == "bucket" else "ID ベースのポリシー"
    what = str(f.get("what") or default)
    return w.fmt("{owner} の" + what + "を読み取れませんでした（{error}）。コレクターに {permission} を付与して"
                 "ください", f)


CODES: dict[Code, Template] = {
    # refusals
    Code.NO_ROUTE: "ルートテーブル {rtb} に {destination} へのルートがありません{why}",
    Code.NO_RETURN_ROUTE: "ルートテーブル {rtb} に {destination} への戻りのルートがありません",
    Code.BLACKHOLE_ROUTE: "ルートテーブル {rtb} は {destination} を {target} に送りますが、ターゲットはもう存在しません"
                          "（ブラックホール）",
    Code.IGW_NO_PUBLIC_IP: "{eni} にはパブリック IPv4 アドレスがないため、インターネットゲートウェイ {igw} はその"
                           "トラフィックを通しません。プライベートサブネットには NAT ゲートウェイが必要です",
    Code.SG_EGRESS_DENY: _security_groups,
    Code.SG_INGRESS_DENY: _security_groups,
    Code.NACL_DENY: _acl,
    Code.DNS_NO_ANSWER: "{vpc} では {host} の名前解決に応答がありません: {why}",
    Code.PROXY_UNREACHABLE: "{source} からプロキシ {url} に到達できません: {why}",
    Code.PEERING_NOT_ACTIVE: "ピアリング接続 {pcx} の状態は {status} で、active ではありません",
    Code.PEERING_NOT_TRANSITIVE: "{pcx} が運ぶのは {requester} と {accepter} の間のトラフィックだけです。ピアリングは"
                                 "推移的"
                                 "ではなく、ピア側のインターネットゲートウェイ、NAT ゲートウェイ、ゲートウェイエンド"
                                 "ポイントは"
                                 "経由できません",
    Code.ENDPOINT_NOT_AVAILABLE: "VPC エンドポイント {vpce} の状態は {state} です",
    Code.NAT_NO_INTERNET_ROUTE: "NAT ゲートウェイ {nat} にはインターネットへのルートがありません: {why}",
    Code.TGW_NO_ATTACHMENT_IN_AZ: "Transit Gateway アタッチメント {attachment} には {subnet} のアベイラビリティーゾー"
                                  "ン "
                                  "{az} のサブネットがありません。そのゾーンからのトラフィックは {tgw} に届きません"
                                  "（アタッチメントのゾーン: {attachment_azs}）",
    Code.TGW_ATTACHMENT_NOT_AVAILABLE: "Transit Gateway アタッチメント {attachment}（{vpc}）の状態は {state} で、"
                                       "available ではありません。トラフィックを運びません",
    Code.CLIENT_PROXY_ERROR: "{runtime} は何も送信する前に失敗します: {why}",
    Code.FIREWALL_DENY: _firewall_deny,
    Code.DNS_FIREWALL_BLOCK: "Route 53 Resolver DNS Firewall が {vpc} で {host} をブロックします: ルールグループ"
                             " {rule_group} のルール {rule} がドメインリスト {domain_list} に一致します（応答 "
                             "{response}）",
    Code.ENDPOINT_POLICY_DENY: _policy_refusal(Code.ENDPOINT_POLICY_DENY),
    Code.BUCKET_POLICY_DENY: _policy_refusal(Code.BUCKET_POLICY_DENY),
    Code.RESOURCE_POLICY_DENY: _policy_refusal(Code.RESOURCE_POLICY_DENY),
    Code.IDENTITY_POLICY_DENY: _policy_refusal(Code.IDENTITY_POLICY_DENY),
    Code.PERMISSIONS_BOUNDARY_DENY: _policy_refusal(Code.PERMISSIONS_BOUNDARY_DENY),
    Code.SCP_DENY: _policy_refusal(Code.SCP_DENY),
    Code.RCP_DENY: _policy_refusal(Code.RCP_DENY),
    Code.SESSION_POLICY_DENY: _policy_refusal(Code.SESSION_POLICY_DENY),
    # notes
    Code.PROXY_CHOSEN: "{runtime} は {url} をプロキシ {proxy} に送ります（{variable} による。{no_proxy_variable}="
                       "{no_proxy}）",
    Code.NO_PROXY_MATCH: _no_proxy_match,
    Code.DIRECT_CONNECTION: "{runtime} は直接接続します: {why}",
    Code.RESOLVED_AT_PROXY: "プロキシ {proxy} が {host} を名前解決し、自分のサブネットから送ります。クライアント側の"
                            "エンドポイントやルートテーブルは関係しません",
    Code.MORE_SPECIFIC_ROUTE: "{rtb}: {destination} には {other} より {chosen} のほうが具体的です（ロンゲストマッチ）",
    Code.ENDPOINT_OTHER_REGION: "{vpce} が対応するのは {service} だけです。{destination} は別リージョンのものなので、"
                                "使われません",
    Code.POLICY_ALLOWS: _policy_allows,
    Code.POLICY_NOTE: "{note}",
    Code.PRIVATE_DNS_NEEDS_HOSTNAMES: "{vpc} では {bypassed} が {host} に応答するはずですが、プライベートホストゾーンと"
                                      "エンドポイントのプライベート DNS には enableDnsHostnames が必要で、そこでは fa"
                                      "lse"
                                      " です。名前はパブリック DNS のとおりに解決されます",
    # proxy-choice reasons
    Code.PROXY_ENV: "{runtime} が読むプロキシ変数が適用され、除外リストのどのエントリにも一致しません",
    Code.NO_PROXY_ALL: "除外リストがワイルドカード '*' なので、{runtime} はどの宛先にもプロキシを使いません",
    Code.NO_PROXY_CONFIGURED: "この URL のスキームについて、{runtime} が読むプロキシ変数は設定されていません",
    Code.LOOPBACK_DIRECT: "{runtime} はループバックアドレスには常に直接接続します",
    Code.CGI_IGNORED: "REQUEST_METHOD が設定されているため HTTP_PROXY は無視されます（CGI 対策）",
    Code.CGI_REFUSED: "Go は REQUEST_METHOD が設定されていると (CGI) HTTP_PROXY を拒否し、リクエストはエラーになります",
    Code.UPPERCASE_HTTP_PROXY_IGNORED: "curl は大文字の HTTP_PROXY を読みません。読むのは http_proxy だけです",
    Code.RUNTIME_IGNORES_ENV: "{runtime} はプロキシの環境変数を読みません",
    Code.PROXY_URL_UNSUPPORTED: "このクライアントが受け付けないプロキシ URL です（例: requests とホスト:ポートだけの"
                                "指定）",
    # policy notes
    **{code: NOTE_TEXT_JA[code] for code in (
        Code.NOTPRINCIPAL_ROLE_SESSION, Code.NOTPRINCIPAL_ACCOUNT_MISSING, Code.ACCOUNT_PRINCIPAL_DELEGATES,
        Code.ACCOUNT_PRINCIPAL_ROOT_ONLY, Code.POLICY_VARIABLE_UNRESOLVED, Code.NOTPRINCIPAL_WITH_BOUNDARY)},
    # caveats
    Code.COLLECTION_GAP: "{scope} の {operation} が失敗しました（{error}）。答えは収集できなかったデータに左右されま"
                         "す。"
                         "コレクターに {permission} を付与して再収集してください",
    Code.INSTANCE_NOT_PLACED: "{instance}: ネットワークインターフェイスまたはサブネットがスナップショットにありません",
    Code.RESOURCE_NOT_IN_SNAPSHOT: _missing,
    Code.ADDRESS_NOT_IN_SNAPSHOT: _address_missing,
    Code.ADDRESS_AMBIGUOUS: "プロキシのアドレス {ip} は別々の VPC の {count} 個のインターフェイスにあります",
    Code.PROXY_NOT_AN_INSTANCE: "プロキシのアドレス {ip} は {eni} で、インスタンスではありません",
    Code.NO_ROUTE_TABLE: "{subnet} にもその VPC {vpc} にもルートテーブルが記録されていません",
    Code.ROUTING_LOOP: "{destination} に向けて {count} 回受け渡したところで打ち切りました（ルーティングループ？）",
    Code.APPLIANCE_NOT_VISIBLE: _appliance_caveat,
    Code.TGW_ROUTE_WITHOUT_ATTACHMENT: "{tgw_rtb}: ルート {route} にアタッチメントがありません",
    Code.TGW_CHAIN_TOO_LONG: "{destination} に向けて {count} 個の Transit Gateway をたどったところで打ち切りました",
    Code.TGW_EGRESS_NOT_TRACED: "{destination} は Transit Gateway {tgw} から出ていきます。Transit Gateway の先の集約"
                                "エグレスはまだトレースしていません",
    Code.TGW_APPLIANCE_MODE_OFF: "フローは {vpc} を {attachment} 経由で {forward_az} から通り、戻りは {return_az} で"
                                 "す。"
                                 "アプライアンスモード（現在 {mode}）がないと、そこのステートフルなアプライアンスは片"
                                 "方向"
                                 "しか見えず、破棄することがあります",
    Code.TGW_AZ_UNDETERMINED: "{tgw} は {attachment} の {subnets} のどれにトラフィックを渡すかわかりません。それぞれの"
                              "ネットワーク ACL かルートテーブルが異なるため、結果は選ばれるゾーン次第です",
    Code.PREFIX_LIST_NOT_COLLECTED: "{resource} はプレフィックスリスト {prefix_list} を参照していますが、そのエントリ"
                                    "は収集"
                                    "されていません（RAM で共有された別アカウントのリスト？）。そのアカウントかリストの"
                                    "エントリを収集してください",
    Code.NO_INSTANCE_ROLE: "{instance} のインスタンスプロファイルのロールがスナップショットにないため、リクエストの認"
                           "証情報"
                           "（と ID ベースのポリシー）はわかりません",
    Code.POLICY_UNREAD: _policy_unread,
    Code.EC2_NAME_NOT_IN_SNAPSHOT: "{host} は EC2 インスタンスのプライベート DNS 名ですが、スナップショットのどの"
                                   "インスタンスのものでもありません（別アカウントか未収集の VPC）。{vpc} の Amazon "
                                   "提供"
                                   "リゾルバーが応答するかもしれませんが、その行き先はスナップショットにありません",
    Code.PUBLIC_DNS_ASSUMED: "{host} はスナップショットのプライベートゾーン、エンドポイント、インスタンスのどれにも"
                             "ありません。パブリック DNS がインターネット上のパブリックアドレスを返すものとみなしてい"
                             "ます"
                             "（未確認）",
    Code.POLICY_KEY_UNKNOWN: "ポリシーの判定は {keys} の値次第ですが、その値はスナップショットにありません（{why}）。"
                             "値によって許可にも拒否にもなります",
    Code.ORGANIZATION_UNREAD: "アカウント {account} の組織を読み取れませんでした（{error}）。サービスコントロール"
                              "ポリシーやリソースコントロールポリシーがこのリクエストを拒否する可能性があります。"
                              "--org-role で読み取ってください",
    Code.FIREWALL_ASYMMETRIC: "{client} への応答は Network Firewall {firewall} を通らずに {via} から戻ります。フローの"
                              "片方向しか見えないステートフルなファイアウォールは、それを破棄するか判定できません"
                              "（戻りの経路もファイアウォールエンドポイント経由にしてください）",
    Code.FIREWALL_NOT_EVALUATED: "Network Firewall {firewall}: ルールグループ {rule_group} がこのリクエストを判定する"
                                 "可能性が"
                                 "ありますが、reachbot はそれを評価できません（{why}）",
    Code.DNS_FIREWALL_NOT_EVALUATED: "{vpc} の DNS Firewall ルールグループ {rule_group} はドメインリスト "
                                     "{domain_list} を"
                                     "使いますが、スナップショットにはなく、{host} を判定する可能性があります",
    Code.RESOLVER_FORWARDED: "{host} は Resolver ルール {rule}（{domain}）によりエンドポイント {endpoint} 経由で "
                             "{targets} へ転送されます。その応答はスナップショットにありません",
    Code.DNS_ATTRIBUTES_UNKNOWN: "スナップショットには {vpc} の {attributes} が記録されておらず、{host} の応答はそれ"
                                 "次第"
                                 "です。再収集 (ec2:DescribeVpcAttribute) して確定してください",
    Code.RESOURCE_POLICY_NOT_COLLECTED: "{host} への {action} はリソース自身のポリシー（キーポリシー、シークレットの"
                                        "ポリシー、ロールの信頼ポリシー）でも判定されますが、スナップショットにはあり"
                                        "ません",
    Code.KMS_GRANTS_NOT_COLLECTED: "このリクエストを許可するポリシーはありませんが、KMS キー {key} のグラントが許可して"
                                   "いる可能性があります（グラントはキーポリシーや IAM ポリシーとは別に許可を与えます"
                                   "）。"
                                   "グラントは収集していません (kms:ListGrants)",
    Code.KMS_KEY_NOT_ENABLED: "KMS キー {key} の状態は {state} で、Enabled ではありません。ポリシーが何を許可していて"
                              "も、"
                              "このキーでの暗号オペレーションは失敗します (KMSInvalidStateException)",
    Code.POLICY_NOT_EVALUATED: "{host} については {vpce} のエンドポイントポリシーを評価していません。reachbot がポリ"
                               "シーを"
                               "評価するのは S3 のリクエストだけです",
    Code.NO_FIX_TO_TRY: "{resource} の {refusal} に対して reachbot が提案できる変更はありません。変更すべき点は拒否の"
                        "詳細を参照し、手動で対応してください",
    Code.NO_FIX_DELIBERATE_DENY: lambda w, f: (
        f"{f['resource']} で判定を決めたステートメント{' ' + repr(f['sid']) if f.get('sid') else ''}は明示的な Deny "
        "で、意図して置かれたガードです。reachbot はこれを削除する変更を提案しません。所有者に確認してください"),
    Code.NO_FIX_NOT_PROVEN: "reachbot が試した {tried} 件の変更はいずれも、再トレースで"
                            "到達可能になりませんでした（各変更は未検証として表示されます）。経路のさらに先で別の要素が拒否しています",
}


def _zone_has_no_record(w: Wording, f: Facts) -> str:
    if f.get("zone"):
        return w.fmt("プライベートホストゾーン {zone} がこの名前を持っていますが、レコードがありません", f)
    return "プライベートホストゾーンにこの名前のレコードがありません"


REASONS: dict[Reason, Template] = {
    Reason.NONE: "",
    Reason.ENDPOINT_SERVES_OTHER_REGION: "（ゲートウェイエンドポイント {vpce} が対応するのは {service} だけで、"
                                         "インターネットや NAT へのルートもありません）",
    Reason.LEADS_OUT_OF_NETWORK: "（ネットワーク内の宛先ですが、最長一致の {route} → {target} はネットワークの外に向"
                                 "かい"
                                 "ます）",
    Reason.VPC_NOT_ATTACHED: "（{vpc} は {tgw} にアタッチされていません）",
    Reason.ATTACHMENT_NOT_ASSOCIATED: "（アタッチメントにルートテーブルが関連付けられていません）",
    Reason.ZONE_HAS_NO_RECORD: _zone_has_no_record,
    Reason.NOT_A_PRIVATE_NAME: "プライベートな名前ではありません",
    Reason.RESERVED_NAME: "予約済みの名前 ({rfc}) で、どのプライベートホストゾーンにもありません。パブリック DNS は"
                          "応答しません（localhost の名前なら質問したマシン自身を指すだけです）",
    Reason.PROXY_URL_INVALID: "{variable} のプロキシ URL {proxy} には使えるホストとポート（1〜65535）がないため、"
                              "クライアントはプロキシへの接続に失敗します",
    Reason.RESOLVER_TARGET: "（転送ルール {rule} のターゲットリゾルバー、アウトバウンドエンドポイント {endpoint} から: "
                            "名前を解決できません）",
    Reason.DNS_SUPPORT_DISABLED: "enableDnsSupport 属性が false なので、Amazon 提供のリゾルバーはそこでどの名前にも"
                                 "応答しません",
    Reason.PRIVATE_NAT_GATEWAY: "プライベート NAT ゲートウェイです",
    Reason.NAT_SUBNET_NO_IGW_ROUTE: "そのサブネットのルートテーブル {rtb} に {destination} へのインターネットゲートウ"
                                    "ェイの"
                                    "ルートがありません",
    Reason.PROXY_PORT_CLOSED: "{instance} が待ち受けているのは {ports} で、{port} ではありません",
    Reason.GATEWAY_ENDPOINT_NOT_TRANSITIVE: "（Transit Gateway アタッチメント {attachment} から来たトラフィックで、"
                                            "ゲートウェイエンドポイント {vpce} は自分の VPC からのトラフィックにしか"
                                            "対応しません）",
    Reason.IGW_NEEDS_NAT: "（インターネットゲートウェイ {igw} がアドレスを変換するのは自分の VPC のインターフェイスだけ"
                          "なので、Transit Gateway 経由のプライベートな送信元には NAT ゲートウェイが必要です）",
    Reason.PLAIN_TCP: "素の TCP 接続です。プロキシ設定が適用されるのは HTTP(S) クライアントだけです",
}

CATALOG = Catalog(lang="ja", hops=HOPS, codes=CODES, reasons=REASONS, labels={**LABELS, **SCREEN}, address=_address)

__all__ = ["CATALOG", "KIND_JA"]
