"""Japanese labels around the engine's sentences (the keys and ``{fields}`` of ``en_screen.py``)."""

from __future__ import annotations

SCREEN = {
    # terminal (engine/cli/render.py)
    "cli.reachable": "到達可能",
    "cli.blocked": "ブロック",
    "cli.unknown": "判定不能",
    "cli.refused-at": "{verdict}: {resource} の {code}",
    "cli.runtime": "ランタイム {runtime}",
    "cli.route": "経路:",
    "cli.fixes": "修正案（変更を適用して再トレース済み）:",
    "cli.proven": "検証済み",
    "cli.not-proven": "未検証",
    "cli.owner": "、担当: {owner}",
    "cli.breaks": "動かなくなる質問: {breaks}",
    "cli.caveats": "注意事項:",
    "cli.snapshot": "スナップショット: {source}（{taken_at} 取得、{age} 前）",
    "cli.what-refuses": "拒否しているもの: {resource} の {code}",
    "cli.deciding-statement": "決め手のステートメント:",
    "cli.request-context": "判定に使ったリクエストコンテキスト:",
    "cli.also-refusing": "ほかにも拒否しているもの:",
    "cli.also-at": "{resource} の {code}: {detail}",
    "cli.along-the-way": "経路上の補足:",
    "cli.case": "ケース {n}: {question}",
    "cli.proven-fix": "検証済みの修正案: {summary}",
    "cli.batch-error": "{number} 行目: {error}",
    # Slack answers (bot/render/answer.py)
    "slack.reachable": "到達可能",
    "slack.blocked": "ブロック",
    "slack.unknown": "判定できません",
    "slack.bucket": "バケット {bucket}",
    "slack.why": "*理由*",
    "slack.asked-by": "<@{user}> さんが /reach で質問しました",
    "slack.button.full-route": "経路の全体",
    "slack.button.full-policy": "ポリシーの全文",
    "slack.button.post": "チャンネルに投稿",
    "slack.route-title": "経路: {title}",
    "slack.route-for": "経路: {question}",
    "slack.global": "グローバル",
    "slack.stops-at": "ここで止まります",
    "slack.refuses-here": "ここで拒否",
    "slack.no-hops": "_ホップなし: 送信元でトレースが止まりました_",
    "slack.policies-title": "ポリシー: {title}",
    "slack.policies-for": "ポリシー: {question}",
    "slack.owned-by": "所有者 {owner}",
    "slack.no-policy": "_このリクエストを拒否しているポリシーはありません。_",
    "slack.request-context": "リクエストコンテキスト",
    "slack.fallback": "{verdict}: {title}（質問: {question}）",
    "slack.fallback-refused": "。拒否: {resource} の {code}",
    "slack.footer": "スナップショット `{source}`（{taken_at} 取得",
    "slack.footer-age": "、{age} 前）",
    "slack.footer-runtime": " · ランタイム `{runtime}`",
    "slack.footer-action": " · 操作 `{action}`",
    "slack.default-runtime": "デフォルト",
    "slack.question": "質問:",
    "slack.from": "送信元",
    "slack.to": "宛先",
    "slack.refused-by": "拒否しているもの",
    "slack.refusing-statement": "拒否しているステートメント:",
    "slack.implicit-deny": "（なし: ここではこのリクエストを許可するステートメントがありません。暗黙的な拒否です）",
    "slack.route": "経路",
    "slack.stopped-at-source": "_送信元でトレースが止まりました_",
    "slack.fixes": "*修正案*（検証済み: 変更を適用して再トレースし、到達可能になったもの）",
    "slack.verified": "検証済み",
    "slack.not-verified": "未検証",
    "slack.owner": " · 担当: {owner}",
    "slack.would-break": "動かなくなる質問: ",
    # Slack short replies (bot/render/replies.py, bot/listeners)
    "slack.not-permitted": ":lock: この質問にはここではお答えできません。このチャンネルで質問できる範囲のどれにも一致"
                           "しません。名前を確認するか（`/reach help` で質問できる例を表示します）、reachbot を運用して"
                           "いるチームにアクセスマップについて問い合わせてください。",
    "slack.did-you-mean": "*もしかして:*",
    "slack.help-hint": "`/reach help` で質問できる内容と例を表示します。",
    "slack.internal-error": ":warning: reachbot で予期しないエラーが発生し、回答できませんでした（エラー ID `"
                            "{error_id}`）。"
                            "詳細は reachbot のログにあります。報告の際はこの ID をお伝えください。",
    "slack.snapshot-unavailable": ":warning: 現在回答できません: ネットワークのスナップショットを読み込めませんでした"
                                  "（エラー ID `{error_id}`）。詳細は reachbot のログにあり、運用チームはこの ID で対応"
                                  "できます。",
    "slack.invite": ":wave: reachbot はこの会話に参加していないため、読むことも投稿することもできません。"
                    "`/invite @reachbot` で招待してから、もう一度お試しください。",
    "slack.unreadable-button": "このボタンには reachbot が読める質問が含まれていません。`/reach 質問` でもう一度"
                               "質問してください。",
    "slack.help.title": "reachbot: X から Y に届く？届かない？",
    "slack.help.intro": "インスタンスからバケット、AWS のサービス、その他のアドレスへのリクエストについて質問できます。"
                        "reachbot はプロキシ、DNS、ルートテーブル、エンドポイント、ポリシーをたどって、何が拒否してい"
                        "るかを"
                        "示し、再トレースで効果を確かめた修正案を提案します。",
    "slack.help.examples": "*このスナップショットでの質問例*",
    "slack.help.usage": "*送信元*: インスタンス ID、`Name` タグ、またはプライベート IP。\n*宛先*: バケット名、"
                        "`s3://バケット/キー`、S3 の URL やホスト名、その他の AWS サービスのホスト名、IP。\n*オプショ"
                        "ン*: "
                        "S3 の操作（例: `(s3:PutObject)`、デフォルトは `s3:GetObject`。「書き込めない」なら"
                        " s3:PutObject）、クライアントのランタイム（例: `as curl`。{runtimes}。デフォルトは AWS CLI /"
                        " botocore の動作）。\n*そのほか*: チャンネルで `@reachbot 質問` とメンションするとスレッドに"
                        "回答します。障害対応のスレッドでは、メッセージショートカット *Handoff summary* でスレッドの"
                        "質問を再実行し、次の担当者への引き継ぎをまとめます。",
    "slack.help.snapshot": "スナップショット `{origin}`（{taken_at} 取得、{age} 前）",
    "slack.help.fallback": "reachbot のヘルプ: /reach 送信元 から 宛先 に届かないのはなぜ",
    "slack.help.example-bucket": "{source} から {bucket} バケットに届かないのはなぜ",
    "slack.help.example-key": "{source} → s3://{bucket}/path/to/key",
    "slack.help.example-service": "{ip} から {host} に接続できない",
    "slack.help.example-put": "{source} から s3://{bucket}/upload.bin に書き込めない as curl",
    "slack.help.example-default": "i-0123456789abcdef0 から my-bucket バケットに届かないのはなぜ",
    # Slack handoff (bot/render/handoff.py)
    "handoff.title": ":clipboard: 引き継ぎサマリー",
    "handoff.no-symptom": "_（このスレッドには人からのメッセージがありません）_",
    "handoff.reported-by": "（報告者 <@{user}>）",
    "handoff.symptom": "*症状*",
    "handoff.no-question": "_このスレッドに到達性の質問は見つかりませんでした。_",
    "handoff.for-ticket": "*チケット用*（プレーンテキスト）",
    "handoff.fallback": "引き継ぎサマリー: {count} 件の質問を現在のスナップショットで再実行しました",
    "handoff.ticket-title": "引き継ぎサマリー (reachbot)",
    "handoff.ticket-symptom": "症状: {symptom}",
    "handoff.ticket-none": "（なし）",
    "handoff.ticket-not-shown": "表示しません: このチャンネルで質問できる範囲の外です",
    "handoff.no-longer-matches": "スナップショットと一致しなくなりました: {message}",
    "handoff.no-longer-matches-current": "現在のスナップショットと一致しなくなりました: {message}",
    "handoff.tried-ticket": "スレッドで試したこと:",
    "handoff.nothing-reported": "報告なし",
    "handoff.asked": "質問:",
    "handoff.source": "送信元:",
    "handoff.destination": "宛先:",
    "handoff.refuses": "拒否:",
    "handoff.route": "経路:",
    "handoff.stopped-at-source": "_送信元で止まりました_",
    "handoff.proven-fixes": "検証済みの修正案:",
    "handoff.no-proven-fix": "再トレースで見つかりませんでした。上の拒否の内容を確認してください。",
    "handoff.owner": "（担当: {owner}）",
    "handoff.verdict": "判定: {verdict}",
    "handoff.refused-by": "拒否: {resource} の {code}（所有者 {owner}）",
    "handoff.proven-fix": "検証済みの修正案: {summary}",
    "handoff.tried": "このスレッドで試したこと:",
    "handoff.someone": "誰か",
    "handoff.snapshot": "スナップショット `{origin}`（{taken_at} 取得、{age} 前）で再実行 · スレッドのメッセージ "
                        "{count} 件",
}
