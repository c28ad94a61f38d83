"""The Condition element: one table of operator → matcher, and the rules around it.

Sources (IAM User Guide): "IAM JSON policy elements: Condition operators" (operators, ``...IfExists``,
``Null``, absent keys), "IAM JSON policy elements: Condition" (several keys AND, several values OR, key
names case-insensitive), "Single-valued vs. multivalued context keys" (``ForAnyValue`` / ``ForAllValues``),
"IAM policy elements: Variables and tags" (variables only in string and ARN operators).
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from ipaddress import IPv4Address, IPv6Address, ip_address, ip_network
from typing import Any

from engine.codes import Code
from engine.policy.model import POLICY_VARIABLE_UNRESOLVED, Check, Unknowable
from engine.policy.patterns import (
    Part,
    Segment,
    arn_regex,
    glob_regex,
    has_variables,
    joined,
    parse_template,
    resolve,
    scalar_text,
    static_segments,
)

# --- value conversions ------------------------------------------------------------------------------------
# ``prepare`` turns a policy value (as segments) into something comparable, once, at compile time;
# ``convert`` turns a request value into the same kind of thing, per request. Either gives None for a value
# the operator cannot read ("a", "not a date", "123456789012" for an IP range): AWS stores such policies (a
# typo in one bucket policy must not stop the answer) and the comparison is then not satisfied, whether the
# operator is plain or negated (see ``CompiledCondition._satisfies``).


def _text(segments: tuple[Segment, ...]) -> str:
    return joined(segments)


def _folded(segments: tuple[Segment, ...]) -> str:
    return joined(segments).casefold()


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


_EPOCH = re.compile(r"^-?\d+(\.\d+)?$")


def _epoch(value: Any) -> float | None:
    # Date operators take ISO 8601 or epoch (POSIX) time in seconds, "1533859200" or "1533859200.0"
    # (condition operators page, "Date condition operators"; global keys page, aws:EpochTime); a naive time
    # is taken as UTC, as AWS's own keys (aws:CurrentTime) are.
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    text = str(value).strip()
    if _EPOCH.match(text):
        return float(text)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp()


def _bytes(value: Any) -> bytes | None:
    if isinstance(value, bytes):
        return value
    try:
        return base64.b64decode(str(value), validate=True)
    except (binascii.Error, ValueError):
        return None


def _address(value: Any) -> IPv4Address | IPv6Address | None:
    try:
        return ip_address(str(value).strip())
    except ValueError:
        return None


def _policy_side(convert: Callable[[Any], Any]) -> Callable[[tuple[Segment, ...]], Any]:
    def prepare(segments: tuple[Segment, ...]) -> Any:
        return convert(_text(segments))

    return prepare


def _network(segments: tuple[Segment, ...]) -> Any:
    # A single address is accepted as a /32 (or /128) (condition operators page, "IP address").
    try:
        return ip_network(_text(segments).strip(), strict=False)
    except ValueError:
        return None


def _arn_pattern(segments: tuple[Segment, ...]) -> Any:
    return arn_regex(segments)


def _request_arn(value: Any) -> str | None:
    # "Each of the six colon-delimited components of the ARN is checked separately" (ARN condition
    # operators): a request value that is not a six-part ARN cannot be compared.
    text = scalar_text(value)
    return text if text.startswith("arn:") and text.count(":") >= 5 else None


def _like(segments: tuple[Segment, ...]) -> Any:
    return glob_regex(segments)


def _boolean(value: Any) -> bool:
    # "true" in any case is true and every other text false, on both sides: AWS's simulator (as recorded by
    # PMapper's tests, "Validated against the Simulator API") matches Bool "false" against "asdf".
    return scalar_text(value).strip().lower() == "true"


def _request_text(value: Any) -> str:
    return scalar_text(value)


def _request_folded(value: Any) -> str:
    return scalar_text(value).casefold()


# --- the table ----------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Family:
    prepare: Callable[[tuple[Segment, ...]], Any]
    convert: Callable[[Any], Any]
    variables: bool  # policy variables are substituted (string and ARN operators only)


@dataclass(frozen=True, slots=True)
class Operator:
    family: Family
    test: Callable[[Any, Any], bool]  # (converted request value, prepared policy value) -> matches
    negated: bool = False  # true when the key is absent; for several values: matches none of them


_STRING = Family(_text, _request_text, True)
_FOLDED = Family(_folded, _request_folded, True)
_GLOB = Family(_like, _request_text, True)
_NUMBER = Family(_policy_side(_number), _number, False)
_DATE = Family(_policy_side(_epoch), _epoch, False)
# "You can use a policy variable with the Boolean condition operator" (condition operators page, Boolean).
_BOOL = Family(_policy_side(_boolean), _boolean, True)
_BINARY = Family(_policy_side(_bytes), _bytes, False)
_IP = Family(_network, _address, False)
_ARN = Family(_arn_pattern, _request_arn, True)


def _eq(a: Any, b: Any) -> bool:
    return bool(a == b)


def _fullmatch(value: Any, pattern: Any) -> bool:
    return pattern is not None and pattern.fullmatch(value) is not None


def _in_network(address: Any, network: Any) -> bool:
    # An IPv6 address is never inside an IPv4 network (and back): ipaddress answers False across versions.
    return bool(address in network)


OPERATORS: dict[str, Operator] = {
    "stringequals": Operator(_STRING, _eq),
    "stringnotequals": Operator(_STRING, _eq, negated=True),
    "stringequalsignorecase": Operator(_FOLDED, _eq),
    "stringnotequalsignorecase": Operator(_FOLDED, _eq, negated=True),
    "stringlike": Operator(_GLOB, _fullmatch),
    "stringnotlike": Operator(_GLOB, _fullmatch, negated=True),
    "numericequals": Operator(_NUMBER, _eq),
    "numericnotequals": Operator(_NUMBER, _eq, negated=True),
    "numericlessthan": Operator(_NUMBER, lambda a, b: a < b),
    "numericlessthanequals": Operator(_NUMBER, lambda a, b: a <= b),
    "numericgreaterthan": Operator(_NUMBER, lambda a, b: a > b),
    "numericgreaterthanequals": Operator(_NUMBER, lambda a, b: a >= b),
    "dateequals": Operator(_DATE, _eq),
    "datenotequals": Operator(_DATE, _eq, negated=True),
    "datelessthan": Operator(_DATE, lambda a, b: a < b),
    "datelessthanequals": Operator(_DATE, lambda a, b: a <= b),
    "dategreaterthan": Operator(_DATE, lambda a, b: a > b),
    "dategreaterthanequals": Operator(_DATE, lambda a, b: a >= b),
    "bool": Operator(_BOOL, _eq),
    "binaryequals": Operator(_BINARY, _eq),
    "ipaddress": Operator(_IP, _in_network),
    "notipaddress": Operator(_IP, _in_network, negated=True),
    # ArnEquals and ArnLike behave the same: both take wildcards in each ARN part (condition operators page).
    "arnequals": Operator(_ARN, _fullmatch),
    "arnlike": Operator(_ARN, _fullmatch),
    "arnnotequals": Operator(_ARN, _fullmatch, negated=True),
    "arnnotlike": Operator(_ARN, _fullmatch, negated=True),
}

_SET_PREFIXES = {"foranyvalue": "any", "forallvalues": "all"}


# --- compiled conditions ---------------------------------------------------------------------------------


_CONTEXT_FAMILY = "kms:encryptioncontext:"  # kms:EncryptionContext:<context-key> (KMS DG, condition keys)


def key_family(key_lower: str) -> str | None:
    """The family a lowercased key belongs to: ``aws:resourcetag/x`` → ``aws:resourcetag/*``,
    ``kms:encryptioncontext:x`` → ``kms:encryptioncontext:*``; None for a key of no family."""
    if "/" in key_lower:
        return key_lower.split("/", 1)[0] + "/*"
    if key_lower.startswith(_CONTEXT_FAMILY) and len(key_lower) > len(_CONTEXT_FAMILY):
        return _CONTEXT_FAMILY + "*"
    return None


@dataclass(frozen=True, slots=True)
class CompiledCondition:
    operator: str  # as written
    key: str  # as written
    key_lower: str
    spec: Operator | None  # None for Null
    set_op: str | None  # "any" | "all" | None
    if_exists: bool
    raw_values: tuple[Any, ...]
    values: tuple[Any, ...]  # prepared, variable-free values
    deferred: tuple[tuple[Part, ...], ...]  # values with variables, resolved per request

    def evaluate(self, keys: Mapping[str, Any], assume: bool = False) -> Check:
        """``assume`` is the outcome taken when the key's value is Unknowable (see model.Unknowable)."""
        present = self.key_lower in keys
        request = keys.get(self.key_lower)
        if not present and (family_key := key_family(self.key_lower)) is not None:
            # A key family the request carries but the snapshot does not ("aws:resourcetag/*",
            # "kms:encryptioncontext:*": Unknowable).
            family = keys.get(family_key)
            request = family if isinstance(family, Unknowable) else None
        if isinstance(request, Unknowable):
            return Check("Condition", assume, self.operator, self.key, None, list(self.raw_values), True, None,
                         unknown=True)
        ok, note = self._outcome(request, keys) if present else (self._absent_outcome(), None)
        return Check("Condition", ok, self.operator, self.key, request, list(self.raw_values), present, note)

    def _absent_outcome(self) -> bool:
        if self.set_op == "all":  # ForAllValues over an empty set is true (multivalued keys page)
            return True
        if self.set_op == "any":  # ForAnyValue with the key absent is false (same page)
            return False
        if self.spec is None:  # Null: "true" asks for the key to be absent
            return True in self.values
        if self.if_exists:  # ...IfExists: a missing key makes the condition true
            return True
        # Plain operators are false on a missing key; negated ones (StringNotEquals, StringNotLike,
        # ArnNotLike, NotIpAddress, ...) are true: "the right key is not present, the condition is true".
        return self.spec.negated

    def _outcome(self, request: Any, keys: Mapping[str, Any]) -> tuple[bool, Code | None]:
        if self.spec is None:
            # Null with or without a set operator: a present key is "not null", for each of its values.
            return False in self.values, None
        values, unresolved = self._values_for(keys)
        if unresolved and self.spec.negated:
            # "not present ... any attempt to match it fails and causes the statement to be invalid"
            # (variables page): a negated test must not turn an unresolvable value into a match.
            return False, POLICY_VARIABLE_UNRESOLVED
        note = POLICY_VARIABLE_UNRESOLVED if unresolved else None
        items = list(request) if isinstance(request, list | tuple) else [request]
        if self.set_op == "all":  # every request value must satisfy the operator
            return all(self._satisfies(i, values) for i in items), note
        if self.set_op == "any":  # at least one request value must satisfy the operator
            return any(self._satisfies(i, values) for i in items), note
        if len(items) != 1:
            # "Multivalued context keys require a condition set operator" (multivalued keys page): a plain
            # operator, negated or not, is not satisfied by a key that holds several values.
            return False, note
        return self._satisfies(items[0], values), note

    def _satisfies(self, item: Any, values: tuple[Any, ...]) -> bool:
        """One request value against the policy values: several policy values are OR; a negated operator
        holds when the value matches none of them (condition operators page). A value either side cannot
        read satisfies neither form: it is not equal, and not provably different either."""
        spec = self.spec
        assert spec is not None
        converted = spec.family.convert(item)
        if converted is None:
            return False
        if spec.negated:
            return all(v is not None and not spec.test(converted, v) for v in values)
        return any(v is not None and spec.test(converted, v) for v in values)

    def _values_for(self, keys: Mapping[str, Any]) -> tuple[tuple[Any, ...], bool]:
        if not self.deferred:
            return self.values, False
        assert self.spec is not None
        extra: list[Any] = []
        unresolved = False
        for parts in self.deferred:
            segments = resolve(parts, keys)
            if segments is None:
                unresolved = True
            else:
                extra.append(self.spec.family.prepare(segments))
        return self.values + tuple(extra), unresolved


def compile_condition(
    operator: str, key: str, raw_values: tuple[Any, ...], *, variables: bool
) -> CompiledCondition:
    """Compile one operator+key. Raises ValueError with a message naming what is wrong."""
    set_op, base = _split_set_prefix(operator)
    if_exists = base.lower().endswith("ifexists")
    name = base[: -len("ifexists")] if if_exists else base
    if name.lower() == "null":
        if if_exists:
            raise ValueError(f"unknown condition operator {operator!r} (Null takes no IfExists)")
        # ForAllValues:Null / ForAnyValue:Null are stored by AWS and follow the set operators' rule for an
        # absent key (true / false; multivalued keys page), as AWS's simulator answers (PMapper's tests).
        flags = tuple(_null_flag(v) for v in raw_values)
        return CompiledCondition(operator, key, key.lower(), None, set_op, False, raw_values, flags, ())
    spec = OPERATORS.get(name.lower())
    if spec is None:
        raise ValueError(f"unknown condition operator {operator!r}")
    values: list[Any] = []
    deferred: list[tuple[Part, ...]] = []
    for raw in raw_values:
        parts = parse_template(scalar_text(raw), variables=variables and spec.family.variables)
        if has_variables(parts):
            deferred.append(parts)
        else:
            values.append(spec.family.prepare(static_segments(parts)))
    return CompiledCondition(
        operator, key, key.lower(), spec, set_op, if_exists, raw_values, tuple(values), tuple(deferred)
    )


def _split_set_prefix(operator: str) -> tuple[str | None, str]:
    head, sep, tail = operator.partition(":")
    if not sep:
        return None, operator
    set_op = _SET_PREFIXES.get(head.lower())
    if set_op is None:
        raise ValueError(
            f"unknown condition operator {operator!r} (prefix must be ForAnyValue or ForAllValues)"
        )
    return set_op, tail


def _null_flag(raw: Any) -> bool:
    text = scalar_text(raw).lower()
    if text not in ("true", "false"):
        raise ValueError(f"Null takes true or false, got {raw!r}")
    return text == "true"
