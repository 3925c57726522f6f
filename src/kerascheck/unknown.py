"""The abstract "unknown" value shared by the interpreter and the layer catalog.

A value (or a shape dimension) that cannot be determined statically is an
``Unknown``.  It is distinct from ``None``, which in a shape is Keras's own
"dynamic dimension" (the batch axis, a variable sequence length).
"""

from __future__ import annotations

from typing import Any


class Unknown:
    """A value kerascheck cannot determine; ``reason`` says why, when known.

    ``among``: the values it is one of (an unknown index of a known list, a
    variable two branches of an unknown condition disagree on), and
    ``within``: the values a list it is holds some of (a slice of a known list
    whose bounds are unknown); both empty when it may be anything.
    """

    __slots__ = ("reason", "among", "within")

    def __init__(self, reason: str = "", among: tuple[Any, ...] = (), within: tuple[Any, ...] = ()) -> None:
        self.reason = reason
        self.among = among
        self.within = within

    def __repr__(self) -> str:
        return "?"

    def __bool__(self) -> bool:
        raise TypeError("the truth of an unknown value is unknown")


UNKNOWN = Unknown()


def is_unknown(value: Any) -> bool:
    return isinstance(value, Unknown)


def contains_unknown(value: Any) -> bool:
    """True if ``value`` or anything nested in a tuple/list/dict is unknown.

    Each container is looked into once, however often it is held: a list that
    holds itself, or the same list many times over, takes time linear in the
    containers and items there are, not in the ways to reach them.
    """
    if not isinstance(value, (tuple, list, dict)):
        return isinstance(value, Unknown)
    seen: set[int] = set()
    stack: list[Any] = [value]
    while stack:
        current = stack.pop()
        if isinstance(current, Unknown):
            return True
        if not isinstance(current, (tuple, list, dict)) or id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, dict):
            stack.extend(current.keys())
            stack.extend(current.values())
        else:
            stack.extend(current)
    return False
