"""How large the values the interpreter makes may be, and what an operation
would make, known before it runs.

Plain data is computed with Python's own operations, whose cost grows with
their operands: a string doubled sixty times, ``10 ** 9999`` multiplied by
itself, a list held 100,000 times in a list of 100,000 items (printed, it is
10 billion items).  Each operation that can grow a value is checked first
(``operation_size``, ``method_size``); one that would make a string, bytes or
container longer than ``MAX_SIZE``, or an integer wider than ``MAX_INT_BITS``,
gives an unknown value instead.  Operations that visit every item nested in
their operands (``==``, ``hash``, ``str()``) run only on values that hold at
most ``MAX_SIZE`` of them (``logical_size``).
"""

from __future__ import annotations

import re
from typing import Any

import libcst as cst

#: the longest string, bytes or container the interpreter makes, and the most
#: items and characters a value may hold, nested, for ``==``, ``hash`` or ``str()``
MAX_SIZE = 100_000
#: the widest integer the interpreter makes
MAX_INT_BITS = 100_000
#: a width or precision of six digits or more, in a format spec
WIDE = re.compile(r"\d{6}")
#: a replacement field of ``str.format`` with such a width, or one given by another field (``{:{}}``)
WIDE_FIELD = re.compile(r"\{[^{}]*(\{|\d{6})")

SEQUENCES = (str, bytes, list, tuple)
TOO_LARGE = "value too large to track"


def words(value: Any) -> int:
    """What making ``value`` takes, in machine words, for the file's total: a
    container's items, a string's characters by eight, an integer's bits by 64."""
    if isinstance(value, (str, bytes)):
        return len(value) // 8
    if isinstance(value, (list, tuple, set, frozenset)):
        return len(value)
    if isinstance(value, dict):
        return 2 * len(value)
    if isinstance(value, int):
        return value.bit_length() // 64
    return 0


def range_length(items: range) -> int:
    """``len(items)``, however long (Python's ``len`` refuses past ``sys.maxsize``)."""
    return max(0, (items.stop - items.start + items.step - (1 if items.step > 0 else -1)) // items.step)


def too_large(value: Any) -> bool:
    """Whether ``value`` is past the limits on what the interpreter makes."""
    if isinstance(value, (str, bytes, list, tuple, set, frozenset, dict)):
        return len(value) > MAX_SIZE
    return isinstance(value, int) and value.bit_length() > MAX_INT_BITS


def logical_size(value: Any, cap: int = MAX_SIZE) -> int:
    """The items and characters ``value`` holds, nested, counted as Python's deep
    operations visit them (a list held twice counts twice), up to just past
    ``cap``: the time this takes is bounded by ``cap`` too."""
    total = 0
    stack = [value]
    while stack and total <= cap:
        item = stack.pop()
        total += 1
        if isinstance(item, (str, bytes)):
            total += len(item)
        elif isinstance(item, int):
            total += item.bit_length() // 64
        elif isinstance(item, (list, tuple, set, frozenset)):
            stack.extend(item)
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
    return total


def small(*values: Any) -> bool:
    """Whether Python's deep operations on ``values`` (``==``, ``hash``, ``str()``) take bounded time."""
    for value in values:
        kind = type(value)
        if kind in _ONE:  # (most values: the size ``logical_size`` gives, without its loop)
            continue
        if kind is str:
            if len(value) >= MAX_SIZE:
                return False
        elif kind is int:
            if value.bit_length() // 64 >= MAX_SIZE:
                return False
        elif logical_size(value) > MAX_SIZE:
            return False
    return True


#: the types whose values ``logical_size`` counts as 1
_ONE = frozenset((bool, float, type(None)))


def formattable(value: Any) -> bool:
    """Plain data whose text Python determines (no objects, nothing unknown), of a
    bounded length."""
    if not small(value):
        return False
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, (tuple, list)):
            stack.extend(item)
        elif not isinstance(item, (str, int, float, bool, type(None))):
            return False
    return True


def _bits(value: Any) -> int:
    return abs(value).bit_length() if isinstance(value, int) else 0


def operation_size(op: type, left: Any, right: Any) -> bool:
    """Whether ``left op right`` on plain data would be past the limits (checked
    before it runs: making it may take too long or too much memory)."""
    if isinstance(left, int) and isinstance(right, int):
        if op in (cst.Add, cst.Subtract):
            return max(_bits(left), _bits(right)) + 1 > MAX_INT_BITS
        if op is cst.Multiply:
            return _bits(left) + _bits(right) > MAX_INT_BITS
        if op is cst.Power:
            return right > 0 and _bits(left) > 1 and _bits(left) * right > MAX_INT_BITS
        if op is cst.LeftShift:
            return right > 0 and _bits(left) + right > MAX_INT_BITS
        return False
    if op is cst.Add and isinstance(left, SEQUENCES) and isinstance(right, SEQUENCES):
        return len(left) + len(right) > MAX_SIZE
    if op is cst.Multiply:
        for sequence, count in ((left, right), (right, left)):
            if isinstance(sequence, SEQUENCES) and isinstance(count, int):
                return len(sequence) * count > MAX_SIZE
    if op is cst.Power and isinstance(left, int) and isinstance(right, float):
        return False  # a float: Python raises OverflowError past its range
    return False


def method_size(receiver: Any, name: str, args: list[Any], kwargs: dict[str, Any]) -> bool:
    """Whether ``receiver.name(*args, **kwargs)`` on plain data may make a value
    past the limits: a string method that grows its receiver (``replace``,
    ``join``, ``format``, a width)."""
    if not isinstance(receiver, (str, bytes)):
        return False
    if any(isinstance(a, int) and a > MAX_SIZE for a in args):  # ``ljust(width)``, ``zfill(width)``...
        return True
    if name == "replace" and len(args) >= 2 and isinstance(args[1], (str, bytes)):
        return len(receiver) + (len(receiver) + 1) * len(args[1]) > MAX_SIZE
    if name == "join" and args and isinstance(args[0], (list, tuple)):
        return len(receiver) * len(args[0]) + logical_size(args[0]) > MAX_SIZE
    if name == "format":
        values = [*args, *kwargs.values()]
        if isinstance(receiver, bytes) or WIDE_FIELD.search(receiver) or not all(formattable(v) for v in values):
            return True
        return len(receiver) + logical_size(values) > MAX_SIZE
    return False
