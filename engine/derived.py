"""What a topology computes from itself on first use, and how a what-if copy shares it without going stale.

Two pieces, both O(size of the change) to derive a what-if copy from its base:

- :class:`Overlay`, a read-only mapping of a few replaced entries over a shared base dictionary (a patched
  instance, route table, endpoint, bucket or role), so a copy never copies an estate-sized dictionary;
- :class:`Derived`, the one cache of values computed lazily from a topology (route choices for public
  service addresses, compiled policies, the transit-gateway peering index, the flows a fix is checked
  against). Each entry names what it depends on as *tags* (``"rtb_routes:rtb-1"``, ``"buckets"``,
  ``"policy:bucket:app-data"``, or :data:`EVERYTHING`); a copy made for a change that touches some tags looks
  entries up in its base's cache only when they depend on none of them, and keeps what it computes itself.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Hashable, Iterator, Mapping
from typing import Any, TypeVar

K = TypeVar("K")
V = TypeVar("V")
T = TypeVar("T")

EVERYTHING = "*"  # a dependency tag: the value is stale after any change at all
_MISSING: Any = object()


class Overlay(Mapping[K, V]):
    """``base`` with the entries of ``top`` put over it; neither is copied or changed."""

    __slots__ = ("_base", "_top", "_len")
    _base: Mapping[K, V]
    _top: dict[K, V]
    _len: int

    def __init__(self, base: Mapping[K, V], top: Mapping[K, V]) -> None:
        if isinstance(base, Overlay):  # flatten, so lookups stay one level deep however many changes pile up
            top = {**base._top, **top}
            base = base._base
        self._base = base
        self._top = dict(top)
        self._len = len(base) + sum(1 for k in self._top if k not in base)

    def __getitem__(self, key: K) -> V:
        value = self._top.get(key, _MISSING)
        return self._base[key] if value is _MISSING else value  # type: ignore[no-any-return]

    def get(self, key: K, default: Any = None) -> Any:
        value = self._top.get(key, _MISSING)
        return self._base.get(key, default) if value is _MISSING else value

    def __contains__(self, key: object) -> bool:
        return key in self._top or key in self._base

    def __iter__(self) -> Iterator[K]:
        yield from self._base
        yield from (k for k in self._top if k not in self._base)

    def __len__(self) -> int:
        return self._len

    def __repr__(self) -> str:
        return f"Overlay({len(self._top)} replaced over {len(self._base)})"


class Derived:
    """Values derived from one topology, computed on first use and kept for the topology's lifetime."""

    __slots__ = ("_own", "_base", "_changed")

    def __init__(self, base: Derived | None = None, changed: Collection[str] = ()) -> None:
        self._own: dict[Hashable, tuple[Collection[str], Any]] = {}
        self._base = base
        self._changed = frozenset(changed)  # tags the owner's changes touched, relative to ``base``

    def what_if(self, changed: Collection[str]) -> Derived:
        """The cache of a copy whose changes touch ``changed``: it inherits only what those cannot affect."""
        return Derived(self, changed)

    def get(self, key: Hashable, depends_on: Collection[str], build: Callable[[], T]) -> T:
        """The value kept under ``key``, else ``build()`` (kept with its dependencies ``depends_on``)."""
        hit = self._own.get(key)
        if hit is not None:
            return hit[1]  # type: ignore[no-any-return]
        value = self._inherited(key)
        if value is _MISSING:
            value = build()
        self._own[key] = (depends_on, value)
        return value  # type: ignore[no-any-return]

    def _inherited(self, key: Hashable) -> Any:
        changed = self._changed
        node = self._base
        while node is not None:
            hit = node._own.get(key)
            if hit is not None:
                deps = hit[0]
                fresh = not changed or (EVERYTHING not in deps and changed.isdisjoint(deps))
                return hit[1] if fresh else _MISSING
            changed = changed | node._changed
            node = node._base
        return _MISSING

    def __contains__(self, key: Hashable) -> bool:
        """Computed on this topology itself (not counting what a lookup could still inherit)."""
        return key in self._own
