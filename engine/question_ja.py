"""Japanese questions, read into the words the question grammar of ``engine.question`` parses.

    web-osaka-a から app-data バケットに届かないのはなぜ
    なぜ web-osaka-a は s3://app-data に接続できない？
    web-tokyo-a → squid-proxy-osaka ポート 3128
    「batch-tokyo-b」で「ssm.ap-northeast-1.amazonaws.com」へアクセスできない

Roles come from the particles, not from the order: から/より mark the source, に/へ/まで the destination,
は/が/で the topic (the source, when the other name is the destination), と a partner (the destination beside
an explicit source); 送信元/宛先 before a name say it outright. An arrow reads left to right.
Exactly two names, each with a role that leaves no doubt, or the question is refused with the closest reading:
a source and destination swapped would answer another question, perhaps ``reachable`` where the asked one
is refused.

Width: a Japanese IME types ASCII as full-width forms (U+FF01-FF5E) and spaces as U+3000. Those are folded to
ASCII in names, which is what NFKC does to exactly those code points and no more: ids, IPs, ports, bucket
names and host names are ASCII by their grammar (S3 bucket naming rules; RFC 1123), so the fold changes no
meaning there. Other compatibility characters (ligatures, superscripts, circled digits, ㍿) are *not* folded
inside a name, so ``app-data²`` stays unknown instead of becoming ``app-data2``; nor is anything folded in a
URL's path, because an S3 object key is any UTF-8 and ``ｆｉｌｅ`` and ``file`` are two objects. The Japanese
words between names are NFKC-normalised in full (half-width ｶﾀｶﾅ read as カタカナ).

A verb that names what the request does decides the S3 action (書き込めない: s3:PutObject, 削除: s3:DeleteObject,
一覧: s3:ListBucket); a verb or word the reader does not know is refused, never read as the default
s3:GetObject, which a bucket may allow where it refuses the write.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field

from engine.errors import QuestionError
from engine.proxy import RUNTIMES

# Hiragana, katakana (with the half-width forms and phonetic extensions), CJK ideographs, 々 〆 ー.
_JAPANESE = re.compile(r"[\u3040-\u309f\u30a0-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
                       r"\uff66-\uff9f\u3005\u3006]")
# Break between words (NFKC maps the half-width ones to these); not "．", which an IME types inside an IP.
_JA_PUNCT = set("、。・，｡､･〜～：\u3000")
_QUOTES = {"「": "」", "『": "』"}
_ARROWS = {"→": "->", "⇒": "->", "->": "->", "=>": "->"}
_ASCII_ARROWS = ("->", "=>")
EXAMPLES_JA = ("次のように質問してください: 「web-osaka-a から app-data バケットに届かないのはなぜ」、"
               "「web-tokyo-a → s3://app-data/key」、「batch-tokyo-b から ssm.ap-northeast-1.amazonaws.com に"
               "接続できない」。")


def is_japanese(text: str) -> bool:
    """Whether ``text`` holds kana or kanji: the question (and so its answer) is Japanese."""
    return _JAPANESE.search(text) is not None


def language_of(text: str) -> str:
    """``ja`` for a question written with kana or kanji, else ``en``."""
    return "ja" if is_japanese(text) else "en"


def fold_width(ch: str) -> str:
    """A full-width ASCII form as ASCII, U+3000 as a space; NFKC's mapping for exactly these code points."""
    code = ord(ch)
    if 0xFF01 <= code <= 0xFF5E:
        return chr(code - 0xFEE0)
    return " " if ch == "\u3000" else ch


# --- lexicon of the words between names -----------------------------------------------------------------------

SOURCE, DESTINATION, TOPIC, WITH = "source", "destination", "topic", "with"
_PARTICLES = {
    "から": SOURCE, "より": SOURCE, "からは": SOURCE, "からだと": SOURCE, "からの": SOURCE, "からも": SOURCE,
    # と is "with": a destination only beside an explicit source (X と Y で… is "between", which has no direction)
    "に": DESTINATION, "へ": DESTINATION, "まで": DESTINATION, "と": WITH, "への": DESTINATION,
    "には": DESTINATION, "へは": DESTINATION, "にも": DESTINATION, "に対して": DESTINATION, "宛て": DESTINATION,
    "は": TOPIC, "が": TOPIC, "で": TOPIC, "では": TOPIC, "も": TOPIC, "だと": TOPIC,
}
_LEAD = {"なぜ", "何故", "どうして", "なんで", "なにゆえ"}
_KIND_WORDS = {"バケット", "ホスト", "インスタンス", "サービス", "エンドポイント", "サーバー", "サーバ",
               "オブジェクト", "ファイル"}
_ROLE_WORDS = {"送信元": SOURCE, "接続元": SOURCE, "宛先": DESTINATION, "接続先": DESTINATION}  # 宛先: app-data
_PORT_BEFORE = {"ポート", "ポート番号"}  # ポート 22
_PORT_AFTER = {"番ポート", "番"}  # 22番ポート
_CONNECTOR = {"の"}
# Verbs of reaching: they leave the action as asked (default s3:GetObject).
_REACH_VERBS = ("届か", "届き", "届く", "届け", "接続", "アクセス", "到達", "通信", "疎通", "行け", "行か", "いけ",
                "いか", "つなが", "繋が", "つなげ", "繋げ", "通ら", "通り", "通れ", "リーチ", "疎通確認")
# Verbs that name the request: the S3 action they stand for (S3 API reference, "Actions").
_ACTION_VERBS = {
    "書き込": "s3:PutObject", "書込": "s3:PutObject", "書け": "s3:PutObject", "アップロード": "s3:PutObject",
    "アップ": "s3:PutObject", "保存": "s3:PutObject", "置け": "s3:PutObject", "PUT": "s3:PutObject",
    "読み込": "s3:GetObject", "読込": "s3:GetObject", "読め": "s3:GetObject", "ダウンロード": "s3:GetObject",
    "取得": "s3:GetObject", "GET": "s3:GetObject",
    "削除": "s3:DeleteObject", "消せ": "s3:DeleteObject",
    "一覧": "s3:ListBucket", "リスト": "s3:ListBucket", "列挙": "s3:ListBucket",
}
# What may follow a verb: endings, question words, polite forms (kana beyond these are read leniently).
_ENDINGS = ("理由", "原因", "問題", "件", "状態", "できない", "出来ない", "できません", "出来ません", "可能",
            "不可", "失敗", "エラー", "確認", "教えて", "下さい", "ください", "調べて", "知りたい", "為", "ため")


def _lexicon() -> list[tuple[str, str, str]]:
    words: list[tuple[str, str, str]] = [(w, "particle", role) for w, role in _PARTICLES.items()]
    words += [(w, "lead", "") for w in _LEAD] + [(w, "kind", "") for w in _KIND_WORDS]
    words += [(w, "role-before", role) for w, role in _ROLE_WORDS.items()]
    words += [(w, "port-before", "") for w in _PORT_BEFORE] + [(w, "port-after", "") for w in _PORT_AFTER]
    words += [(w, "connector", "") for w in _CONNECTOR] + [(w, "verb", "") for w in _REACH_VERBS]
    words += [(w, "verb", action) for w, action in _ACTION_VERBS.items()] + [(w, "ending", "") for w in _ENDINGS]
    return sorted(words, key=lambda w: -len(w[0]))  # longest match first


_WORDS = _lexicon()


@dataclass(frozen=True, slots=True)
class Lexeme:
    kind: str  # particle, lead, kind, port-before, port-after, connector, verb, ending
    text: str
    value: str = ""


@dataclass
class Phrase:
    """A run of name words with no Japanese between them: one name and any English options after it."""

    words: list[str]
    role: str = ""
    named: bool = False  # the role came from a word before the name (送信元, 宛先), not from a particle


@dataclass(frozen=True, slots=True)
class Reading:
    """What a Japanese question says, as the English grammar's words (``SOURCE -> DEST [port N] options``)."""

    source: str
    destination: str
    port: int | None
    words: list[str]
    options: list[str]

    def shown(self) -> str:
        """The question as reachbot reads it, in Japanese: the "closest reading" of error messages."""
        port = f" ポート {self.port}" if self.port is not None else ""
        opts = (" " + " ".join(self.options)) if self.options else ""
        return f"{self.source} から {self.destination}{port} に届かない{opts}"


# --- scanning ---------------------------------------------------------------------------------------------------


def _tokens(text: str) -> Iterator[tuple[str, str]]:
    """("name", word), ("glue", Japanese text), ("arrow", "->") and ("break", "") in order."""
    i, n = 0, len(text)
    while i < n:
        ch = fold_width(text[i])
        if ch.isspace() or text[i] in _JA_PUNCT:
            yield "break", ""
            i += 1
        elif text[i] in _QUOTES:
            end = text.find(_QUOTES[text[i]], i + 1)
            if end < 0:
                raise QuestionError(f"「{text[i]}」が閉じていません。名前を「」で囲むときは閉じ括弧まで書いてください。"
                                    + EXAMPLES_JA)
            yield "break", ""
            for word in _fold_name(text[i + 1:end]).split():
                yield from _split_arrows(word)
            yield "break", ""
            i = end + 1
        elif text[i] in "」』（）":  # full-width brackets hold words, not names: （なぜ）, （s3:PutObject）
            yield "break", ""
            i += 1
        elif ch in _ARROWS:
            yield "arrow", "->"
            i += 1
        elif _JAPANESE.match(text[i]):
            j = i
            while j < n and _JAPANESE.match(text[j]):
                j += 1
            yield "glue", unicodedata.normalize("NFKC", text[i:j])
            i = j
        else:
            j = i
            while j < n and not _ends_name(text[j]):
                j += 1
            yield from _split_arrows(_fold_name(text[i:j]))
            i = j


def _ends_name(ch: str) -> bool:
    return (fold_width(ch).isspace() or ch in _JA_PUNCT or ch in "（）「」『』" or ch in _ARROWS
            or _JAPANESE.match(ch) is not None)


def _fold_name(word: str) -> str:
    """Full-width forms folded, but not in a URL's path, query or fragment (an object key is any UTF-8)."""
    out: list[str] = []
    authority = False
    for at, ch in enumerate(word):
        if authority and ch in "/?#":
            out.append(word[at:])  # the rest verbatim
            break
        out.append(fold_width(ch))
        authority = authority or "".join(out[-3:]) == "://"
    return "".join(out)


def _split_arrows(word: str) -> Iterator[tuple[str, str]]:
    """A name word, with ASCII arrows glued to it (``a->b``) made tokens of their own, as in English."""
    if "://" in word:
        yield "name", word
        return
    for part in re.split(r"(->|=>)", word):
        if part in _ASCII_ARROWS:
            yield "arrow", "->"
        elif part.strip("?!？！"):
            yield "name", part.rstrip("?!")


def _lex(glue: str, after_verb: bool = False) -> list[Lexeme]:
    """The words of a run of Japanese, longest first; kana after a verb are its ending; anything else unknown."""
    out: list[Lexeme] = []
    i = 0
    while i < len(glue):
        word = next((w for w in _WORDS if glue.startswith(w[0], i)), None)
        if word is not None:
            out.append(Lexeme(word[1], word[0], word[2]))
            i += len(word[0])
        elif (after_verb and out or any(lx.kind == "verb" for lx in out)) and _is_kana(glue[i]):
            # 届かない*んですけど*, 、なぜ*でしょうか*: a verb's ending, whatever its politeness; kana that open a
            # run of their own after the verb (届かない、*よろしく*) are no ending
            i += 1
        else:
            j = i + 1
            while j < len(glue) and not any(glue.startswith(w[0], j) for w in _WORDS):
                j += 1
            out.append(Lexeme("unknown", glue[i:j]))
            i = j
    return out


def _is_kana(ch: str) -> bool:
    return "\u3040" <= ch <= "\u30ff"


def _phrases(text: str) -> tuple[list[Phrase | Lexeme], bool]:
    """The question as phrases (names) and lexemes (Japanese words, arrows), and whether it had an arrow."""
    items: list[Phrase | Lexeme] = []
    arrow = False
    gap = True  # Japanese or an arrow since the last name word: the next name word starts a new phrase
    verb = False
    for kind, text_ in _tokens(text):
        if kind == "name":
            if gap or not items or not isinstance(items[-1], Phrase):
                items.append(Phrase([text_]))
            else:
                items[-1].words.append(text_)
            gap = False
        elif kind == "glue":
            lexemes = _lex(text_, verb)
            items += lexemes
            verb = verb or any(lx.kind == "verb" for lx in lexemes)
            gap = True
        elif kind == "arrow":
            items.append(Lexeme("arrow", "→"))
            arrow = gap = True
    return items, arrow


_OPTION_LEADS = {"as", "using", "with", "via", "runtime", "for", "on", "resource", "port", "over", "at"}
_ACTION_LIKE = re.compile(r"\(?[a-z0-9-]+:[A-Za-z0-9*?]+\)?", re.IGNORECASE)


def _is_options(phrase: Phrase) -> bool:
    """A phrase of English options only (``as curl``, ``(s3:PutObject)``), which the English grammar reads."""
    first = phrase.words[0].strip("`'\"()[],?").lower()
    return first in _OPTION_LEADS or (_ACTION_LIKE.fullmatch(phrase.words[0]) is not None
                                     and "://" not in phrase.words[0] and not first.startswith("arn"))


@dataclass
class _Parts:
    names: list[Phrase] = field(default_factory=list)
    options: list[str] = field(default_factory=list)
    port: list[str] = field(default_factory=list)
    actions: list[str] = field(default_factory=list)
    reaching: list[str] = field(default_factory=list)  # verbs of reaching (届か, 接続): they name no action
    unknown: list[str] = field(default_factory=list)


def _parts(items: list[Phrase | Lexeme]) -> _Parts:
    """Names with their roles, port, options and verbs' actions; Japanese that means nothing here is kept."""
    parts = _Parts()
    last: Phrase | None = None  # the name a particle right after it gives a role to
    verb = False  # after a verb, particles are its ending (届かない*のは*なぜ)
    for i, item in enumerate(items):
        before = items[i - 1] if i else None
        after = items[i + 1] if i + 1 < len(items) else None
        if isinstance(item, Phrase):
            if isinstance(before, Lexeme) and before.kind == "port-before" or (
                    isinstance(after, Lexeme) and after.kind == "port-after"):
                parts.port, parts.options = item.words[:1], parts.options + item.words[1:]
                last, verb = None, True  # ポート 22 *で*: the particle belongs to the port
            elif _is_options(item):
                first = item.words[0]  # an action out of its （） brackets is an action still
                bare = f"({first})" if ":" in first and not first.startswith("(") else first
                parts.options += [bare, *item.words[1:]]
                last, verb = None, True
            else:
                parts.names.append(item)
                last = item
                if isinstance(before, Lexeme) and before.kind in ("arrow", "role-before") and not item.role:
                    item.role, item.named = before.value or DESTINATION, before.kind == "role-before"
            continue
        if item.kind == "particle" and last is not None and not last.role:
            last.role = item.value
        elif item.kind == "particle" and last is not None and last.named and item.value in (last.role, TOPIC):
            pass  # 宛先 app-data *に*: the particle agrees with the word before the name
        elif item.kind == "particle" and not verb:
            parts.unknown.append(item.text)
        elif item.kind == "arrow" and last is not None and not last.role:
            last.role = SOURCE
        elif item.kind == "verb":
            (parts.actions if item.value else parts.reaching).append(item.value or item.text)
        elif item.kind == "unknown" or (item.kind.startswith("port-") and not _port_next_to(items, i)):
            parts.unknown.append(item.text)
        if item.kind in ("verb", "ending"):
            last, verb = None, True  # a particle after the verb belongs to no name
    return parts


def _port_next_to(items: list[Phrase | Lexeme], i: int) -> bool:
    kind = items[i].kind if isinstance(items[i], Lexeme) else ""  # type: ignore[union-attr]
    near = items[i + 1] if kind == "port-before" and i + 1 < len(items) else items[i - 1] if i else None
    return isinstance(near, Phrase)


def _roles(names: list[Phrase]) -> tuple[Phrase, Phrase] | None:
    """(source, destination) when the particles leave no doubt, else None."""
    if len(names) != 2:
        return None
    a, b = names
    for x, y in ((a, b), (b, a)):
        if x.role == SOURCE and y.role in (DESTINATION, TOPIC, WITH, ""):
            return x, y
    for x, y in ((a, b), (b, a)):
        if y.role == DESTINATION and x.role in (TOPIC, ""):
            return x, y
    return None


def read_japanese(text: str) -> Reading:
    """The reading of a Japanese question, or a QuestionError in Japanese with the closest reading."""
    items, _ = _phrases(text)
    parts = _parts(items)
    _runtime_names(parts)
    roles = _roles(parts.names)
    names = [" ".join(p.words) for p in parts.names]
    if roles is None:
        raise QuestionError(_no_roles(names))
    src, dest = roles
    port = _port(parts.port)
    actions = sorted(set(parts.actions))
    if len(actions) > 1:
        raise QuestionError(f"動詞が 2 つの操作 ({', '.join(actions)}) を表しています。リクエストは 1 つの操作なので、"
                            "1 つにするか (s3:PutObject) のように操作を書いてください。")
    if actions and parts.reaching:
        # 「届かない、でも書き込みはできる」: which request is asked about is not certain, and judging the other
        # one could answer reachable where the asked one is refused.
        raise QuestionError(f"「{parts.reaching[0]}」と {actions[0]} を表す動詞の両方があり、どのリクエストについての"
                            f"質問か決められません。動詞を 1 つにするか、({actions[0]}) のように操作を書いてください。")
    options = list(parts.options)
    if actions and not any(actions[0].lower() in w.lower() for w in options):
        options += ["for", actions[0]]
    reading = Reading(" ".join(src.words), " ".join(dest.words), port,
                      src.words + ["->"] + dest.words + (["port", str(port)] if port is not None else []) + options,
                      options)
    if parts.unknown:
        raise QuestionError(f"「{'」「'.join(parts.unknown)[:200]}」の意味が読み取れませんでした。"
                            f"こう読めます: {reading.shown()[:300]}。" + EXAMPLES_JA)
    return reading


def _runtime_names(parts: _Parts) -> None:
    """``curl で`` names the client, not a third resource: with three names, one a runtime marked で/は, it is
    read as ``as curl`` (an instance called like a runtime is still a name when there are only two)."""
    if len(parts.names) != 3:
        return
    runtimes = [p for p in parts.names if p.role == TOPIC and len(p.words) == 1
                and p.words[0].lower() in RUNTIMES]
    if len(runtimes) == 1:
        parts.names.remove(runtimes[0])
        parts.options += ["as", runtimes[0].words[0].lower()]


def _no_roles(names: list[str]) -> str:
    shown = "、".join(f"「{n[:100]}」" for n in names[:4])
    if not names:
        return "送信元と宛先が見つかりませんでした。" + EXAMPLES_JA
    if len(names) == 1:
        return f"名前が {shown} の 1 つだけです。送信元と宛先の 2 つを書いてください。" + EXAMPLES_JA
    if len(names) > 2:
        return (f"名前が {len(names)} つあります ({shown})。送信元のインスタンスと宛先を 1 つずつ書いてください。"
                f"もしかして: {names[0][:100]} から {names[1][:100]} に届かない？")
    return (f"{shown} のどちらが送信元か読み取れません。送信元に「から」、宛先に「に」を付けてください。"
            f"もしかして: {names[0][:100]} から {names[1][:100]} に届かない？")


def _port(words: list[str]) -> int | None:
    if not words:
        return None
    if not words[0].isascii() or not words[0].isdigit() or not 1 <= int(words[0]) <= 65535:
        raise QuestionError(f"ポート「{words[0][:20]}」は 1 から 65535 までの番号ではありません。例: ポート 22")
    return int(words[0])


_WIDE = re.compile(r"[\uff01-\uff5e\u3000]")


def fold_question(text: str) -> str:
    """An English question typed with full-width forms, folded word by word as names are (paths untouched)."""
    if _WIDE.search(text) is None:
        return text  # the common case costs one scan
    return " ".join(_fold_name(word) for word in text.replace("\u3000", " ").split())


# Core messages with a Japanese sentence of their own (the English text is matched, the Japanese replaces it).
_KNOWN_PROBLEMS = (
    ("is not an S3 bucket name", "S3 バケット名ではありません（小文字・数字・ドット・ハイフンの 3〜63 文字で、"
                                 "英数字で始まり英数字で終わります）"),
    ("a port is not an option for", "S3 には 443 番ポートで接続するため、バケットにはポートを指定できません"),
    ("is not one IAM action", "操作は s3:GetObject のように 1 つの IAM アクションで書いてください"
                              "（ワイルドカード不可）"),
    ("did not understand", "宛先の後ろに読めない語があります（使えるのは ポート N、as ランタイム、s3:操作 です）"),
    ("is more than one name", "送信元に名前が 2 つ以上あります。インスタンスを 1 つ指定してください"),
    ("is not a host name", "ホスト名として正しくありません（RFC 1123: 英数字とハイフンをドットで区切ります）"),
    ("is an address range", "アドレス範囲 (CIDR) は宛先になりません。その中の 1 つのアドレスを指定してください"),
    ("a host name holds no '@'", "ホスト名に '@' は含まれません。ホスト名だけを書いてください（認証情報は到達性に"
                                 "関係しません）"),
    ("a path needs a URL", "パスを付けるときは URL で書いてください（https://ホスト/パス、s3://バケット/キー）"),
    ("is not a URL", "URL として読めません。https://ホスト[:ポート]/パス のように書いてください（IPv6 アドレスは [ ] "
                     "で囲みます）"),
    ("reachbot follows http and https", "たどれるのは http、https（と s3://）のリクエストです"),
    ("has no host name", "URL にホスト名がありません"),
    ("a plain TCP destination", "TCP の宛先は tcp://ホスト:ポート です（ポートは 1〜65535、パスなし）"),
    ("two ports for", "ポートが 2 つあります（宛先の中と後ろ）。1 つにしてください"),
    ("two resources named", "リソースが 2 つ指定されています。リクエストの対象は 1 つです"),
    ("is not the ARN of a KMS key", "KMS キーまたは Secrets Manager シークレットの ARN として読めません"),
    ("is not an AWS service host", "ARN を指定できるのは AWS サービスのホスト名の宛先だけです（ARN だけを宛先に書くこ"
                                   "ともできます）"),
    ("requests for it go to", "ARN のサービスまたはリージョンが宛先と一致しません"),
    ("action the request is for", "リクエストの操作を for kms:Decrypt のように指定してください（または --action）"),
    ("action, and", "操作のサービスがリソースのサービスと一致しません"),
    ("unknown client runtime", "ランタイムは python、curl、requests、go、java、node のいずれかです"),
    ("port", "ポートは 1 から 65535 までの番号です"),
)


def japanese_error(exc: QuestionError, reading: Reading, subject: str) -> QuestionError:
    """The engine's error for a Japanese question, in Japanese, with the reading it was given.

    ``subject`` is ``source`` when the source named no single instance, else ``destination``.
    """
    candidates = list(exc.candidates)
    near = f"近い名前: {', '.join(candidates[:5])}。" if candidates else ""
    name = reading.source if subject == "source" else reading.destination
    if exc.kind == "ambiguous":
        text = (f"「{name[:200]}」に当たるインスタンスが {len(candidates)} 台あります: {', '.join(candidates)}。"
                "インスタンス ID で質問し直してください。")
    elif exc.kind == "unknown" and subject == "source":
        text = (f"「{name[:200]}」というインスタンスはスナップショットにありません。"
                + (near or "インスタンス ID、Name タグ、プライベート IP のいずれかで指定してください。"))
    elif exc.kind == "unknown":
        text = (f"宛先「{name[:200]}」はスナップショットにありません。"
                + (near or "バケット名、s3:// URL、ホスト名、IP のいずれかで指定してください。"))
    else:
        problem = next((ja for en, ja in _KNOWN_PROBLEMS if en in str(exc)), None)
        why = problem or f"英語の詳細: {exc}"
        text = f"「{reading.shown()[:300]}」と読みましたが、答えられません: {why}。"
    return QuestionError(text, candidates, exc.kind)
