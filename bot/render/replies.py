"""The bot's short replies: help, not understood, not permitted, unexpected error, and outcome dispatch."""

from __future__ import annotations

from bot.index import Examples, SnapshotIndex
from bot.reach import Answered, NotPermitted, NotUnderstood, Outcome
from bot.render.answer import answer_reply
from bot.render.blocks import Rendered, context, escape, header, paginate, plain_of, sections

NOT_PERMITTED = (
    ":lock: reachbot cannot answer that here: it matches nothing that this channel may ask about. Check the "
    "names (`/reach help` lists examples you can ask about), or ask the team that runs reachbot about its "
    "access map."
)


def outcome_reply(outcome: Outcome, *, ephemeral: bool = False) -> Rendered:
    if isinstance(outcome, Answered):
        return answer_reply(outcome, ephemeral=ephemeral)
    if isinstance(outcome, NotUnderstood):
        return not_understood(outcome)
    if isinstance(outcome, NotPermitted):
        return not_permitted(outcome)
    raise TypeError(f"not an outcome: {outcome!r}")


def not_understood(nu: NotUnderstood) -> Rendered:
    text = f":thinking_face: {escape(nu.message)}"
    if nu.candidates:
        text += "\n*Did you mean:* " + ", ".join(f"`{escape(c)}`" for c in nu.candidates)
    return single(text, context_line="`/reach help` shows what can be asked, with examples.")


def not_permitted(np: NotPermitted) -> Rendered:
    text = NOT_PERMITTED
    if np.candidates:
        text += "\n*Did you mean:* " + ", ".join(f"`{escape(c)}`" for c in np.candidates)
    return single(text)


def internal_error(error_id: str) -> Rendered:
    return single(
        f":warning: reachbot hit an unexpected error and could not answer (error id `{error_id}`). "
        "The details are in reachbot's log; quote the id when you report it."
    )


def snapshot_unavailable(error_id: str) -> Rendered:
    return single(
        f":warning: reachbot cannot answer right now: its snapshot of the network could not be loaded (error id "
        f"`{error_id}`). The details are in reachbot's log; the team that runs it can act on that id."
    )


def single(text: str, context_line: str = "") -> Rendered:
    blocks = sections(text) + ([context(context_line)] if context_line else [])
    return Rendered(paginate(blocks, _strip(text)), plain_of(blocks))


def help_reply(index: SnapshotIndex, examples: Examples, origin: str, runtimes: tuple[str, ...],
               age: str) -> Rendered:
    blocks = [header("reachbot: why can X (not) reach Y?")]
    blocks += sections(
        "Ask about a request from an instance to a bucket, an AWS service or another address. reachbot traces "
        "it through proxies, DNS, route tables, endpoints and policies, says what refuses it, and proposes "
        "fixes it has re-traced to prove them."
    )
    lines = "\n".join(f"• `/reach {escape(q)}`" for q in _examples(examples))
    blocks += sections(f"*Examples from this snapshot*\n{lines}")
    blocks += sections(
        "*Source*: instance id, `Name` tag or private IP.\n"
        "*Destination*: bucket name, `s3://bucket/key`, an S3 URL or host, another AWS service host, an IP.\n"
        "*Optional*: the S3 action, e.g. `(s3:PutObject)` (default `s3:GetObject`); the client runtime, e.g. "
        f"`as curl` ({', '.join(f'`{r}`' for r in runtimes)}; default: the AWS CLI / botocore behaviour).\n"
        "*Elsewhere*: mention `@reachbot QUESTION` in a channel and the answer comes in the thread; on an "
        "incident thread, the message shortcut *Handoff summary* re-runs the thread's questions for the next "
        "responder."
    )
    blocks.append(context(f"Snapshot `{escape(origin)}` taken {index.taken_at.isoformat()} ({age} old)"))
    return Rendered(paginate(blocks, "reachbot help: /reach why can SOURCE not reach DESTINATION"), plain_of(blocks))


def _examples(e: Examples) -> list[str]:
    out: list[str] = []
    if e.source and e.bucket:
        out.append(f"why can {e.source} not reach bucket {e.bucket}")
    if e.other_source and e.other_bucket:
        out.append(f"{e.other_source} -> s3://{e.other_bucket}/path/to/key")
    if e.other_ip:
        out.append(f"can {e.other_ip} reach {e.service_host}")
    if e.source and e.bucket:
        out.append(f"why can't {e.source} reach s3://{e.bucket}/upload.bin (s3:PutObject) as curl")
    return out or ["why can i-0123456789abcdef0 not reach bucket my-bucket"]


def _strip(text: str) -> str:
    return text.replace("*", "").replace("`", "")


