"""English labels around the engine's sentences: the terminal renderer's and the Slack bot's headings, buttons,
help and replies. Keys are shared with every catalog (``ja_screen.py``); ``{name}`` fields are filled by the
renderer with ``Wording.fmt``. The words inside answers (notes, details, caveats) are in ``en.py``.
"""

from __future__ import annotations

SCREEN = {
    # terminal (engine/cli/render.py)
    "cli.reachable": "REACHABLE",
    "cli.blocked": "BLOCKED",
    "cli.unknown": "UNKNOWN",
    "cli.refused-at": "{verdict}: {code} at {resource}",
    "cli.runtime": "runtime {runtime}",
    "cli.route": "Route:",
    "cli.fixes": "Fixes (re-traced with the change applied):",
    "cli.proven": "proven",
    "cli.not-proven": "NOT proven",
    "cli.owner": "; owner: {owner}",
    "cli.breaks": "breaks: {breaks}",
    "cli.caveats": "Caveats:",
    "cli.snapshot": "Snapshot: {source}, taken {taken_at} ({age} ago)",
    "cli.what-refuses": "What refuses it: {code} at {resource}",
    "cli.deciding-statement": "Deciding statement:",
    "cli.request-context": "Request context it was judged against:",
    "cli.also-refusing": "Also refusing:",
    "cli.also-at": "{code} at {resource}: {detail}",
    "cli.along-the-way": "Along the way:",
    "cli.case": "Case {n}: {question}",
    "cli.proven-fix": "proven fix: {summary}",
    "cli.batch-error": "line {number}: {error}",
    # Slack answers (bot/render/answer.py)
    "slack.reachable": "Reachable",
    "slack.blocked": "Blocked",
    "slack.unknown": "Cannot tell",
    "slack.bucket": "bucket {bucket}",
    "slack.why": "*Why*",
    "slack.asked-by": "Asked by <@{user}> with /reach",
    "slack.button.full-route": "Full route",
    "slack.button.full-policy": "Full policy",
    "slack.button.post": "Post to channel",
    "slack.route-title": "Route: {title}",
    "slack.route-for": "Route for: {question}",
    "slack.global": "global",
    "slack.stops-at": "stops at",
    "slack.refuses-here": "refuses here",
    "slack.no-hops": "_no hops: the trace stopped at the source_",
    "slack.policies-title": "Policies: {title}",
    "slack.policies-for": "Policies for: {question}",
    "slack.owned-by": "owned by {owner}",
    "slack.no-policy": "_No policy refuses this request._",
    "slack.request-context": "Request context",
    "slack.fallback": "{verdict}: {title} (asked: {question})",
    "slack.fallback-refused": ". Refused by {resource}: {code}",
    "slack.footer": "Snapshot `{source}` taken {taken_at}",
    "slack.footer-age": " ({age} old)",
    "slack.footer-runtime": " · runtime `{runtime}`",
    "slack.footer-action": " · action `{action}`",
    "slack.default-runtime": "default",
    "slack.question": "Question:",
    "slack.from": "From",
    "slack.to": "To",
    "slack.refused-by": "Refused by",
    "slack.refusing-statement": "Refusing statement:",
    "slack.implicit-deny": "(none: no statement allows this request here, an implicit deny)",
    "slack.route": "Route",
    "slack.stopped-at-source": "_the trace stopped at the source_",
    "slack.fixes": "*Fixes* (verified: re-traced with the change applied, and it became reachable)",
    "slack.verified": "verified",
    "slack.not-verified": "not verified",
    "slack.owner": " · owner: {owner}",
    "slack.would-break": "would stop working: ",
    # Slack short replies (bot/render/replies.py, bot/listeners)
    "slack.not-permitted": ":lock: reachbot cannot answer that here: it matches nothing that this channel may ask"
                           " about. Check the names (`/reach help` lists examples you can ask about), or ask the team"
                           " that runs reachbot about its access map.",
    "slack.did-you-mean": "*Did you mean:*",
    "slack.help-hint": "`/reach help` shows what can be asked, with examples.",
    "slack.internal-error": ":warning: reachbot hit an unexpected error and could not answer (error id `{error_id}`)."
                            " The details are in reachbot's log; quote the id when you report it.",
    "slack.snapshot-unavailable": ":warning: reachbot cannot answer right now: its snapshot of the network could not"
                                  " be loaded (error id `{error_id}`). The details are in reachbot's log; the team"
                                  " that runs it can act on that id.",
    "slack.invite": ":wave: reachbot is not in this conversation, so it cannot read or post here. Invite it with"
                    " `/invite @reachbot` and try again.",
    "slack.unreadable-button": "This button carries no question reachbot can read. Ask again with `/reach QUESTION`.",
    "slack.help.title": "reachbot: why can X (not) reach Y?",
    "slack.help.intro": "Ask about a request from an instance to a bucket, an AWS service or another address."
                        " reachbot traces it through proxies, DNS, route tables, endpoints and policies, says what"
                        " refuses it, and proposes fixes it has re-traced to prove them.",
    "slack.help.examples": "*Examples from this snapshot*",
    "slack.help.usage": "*Source*: instance id, `Name` tag or private IP.\n*Destination*: bucket name,"
                        " `s3://bucket/key`, an S3 URL or host, another AWS service host, an IP.\n*Optional*: the S3"
                        " action, e.g. `(s3:PutObject)` (default `s3:GetObject`); the client runtime, e.g. `as curl`"
                        " ({runtimes}; default: the AWS CLI / botocore behaviour).\n*Elsewhere*: mention"
                        " `@reachbot QUESTION` in a channel and the answer comes in the thread; on an incident"
                        " thread, the message shortcut *Handoff summary* re-runs the thread's questions for the next"
                        " responder.",
    "slack.help.snapshot": "Snapshot `{origin}` taken {taken_at} ({age} old)",
    "slack.help.fallback": "reachbot help: /reach why can SOURCE not reach DESTINATION",
    "slack.help.example-bucket": "why can {source} not reach bucket {bucket}",
    "slack.help.example-key": "{source} -> s3://{bucket}/path/to/key",
    "slack.help.example-service": "can {ip} reach {host}",
    "slack.help.example-put": "why can't {source} reach s3://{bucket}/upload.bin (s3:PutObject) as curl",
    "slack.help.example-default": "why can i-0123456789abcdef0 not reach bucket my-bucket",
    # Slack handoff (bot/render/handoff.py)
    "handoff.title": ":clipboard: Handoff summary",
    "handoff.no-symptom": "_(no message from a person in this thread)_",
    "handoff.reported-by": " (reported by <@{user}>)",
    "handoff.symptom": "*Symptom*",
    "handoff.no-question": "_No reachability question found in this thread._",
    "handoff.for-ticket": "*For the ticket* (plain text)",
    "handoff.fallback": "Handoff summary: {count} question(s) re-run against the current snapshot",
    "handoff.ticket-title": "HANDOFF SUMMARY (reachbot)",
    "handoff.ticket-symptom": "Symptom: {symptom}",
    "handoff.ticket-none": "(none)",
    "handoff.ticket-not-shown": "not shown: outside what this channel may ask about",
    "handoff.no-longer-matches": "no longer matches the snapshot: {message}",
    "handoff.no-longer-matches-current": "no longer matches the current snapshot: {message}",
    "handoff.tried-ticket": "Already tried in the thread:",
    "handoff.nothing-reported": "nothing reported",
    "handoff.asked": "Asked:",
    "handoff.source": "Source:",
    "handoff.destination": "Destination:",
    "handoff.refuses": "Refuses:",
    "handoff.route": "Route:",
    "handoff.stopped-at-source": "_stopped at the source_",
    "handoff.proven-fixes": "Proven fixes:",
    "handoff.no-proven-fix": "none found by re-tracing; see the refusal above.",
    "handoff.owner": " (owner: {owner})",
    "handoff.verdict": "Verdict: {verdict}",
    "handoff.refused-by": "Refused by: {resource} {code}, owned by {owner}",
    "handoff.proven-fix": "Proven fix: {summary}",
    "handoff.tried": "Already tried in this thread:",
    "handoff.someone": "someone",
    "handoff.snapshot": "Re-run against snapshot `{origin}` taken {taken_at} ({age} old) · thread of {count} message("
                        "s)",
}
