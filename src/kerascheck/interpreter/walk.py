"""Walking a libcst tree fast: its nodes but punctuation and whitespace, without
libcst's visitors (which rebuild every node they pass)."""

from __future__ import annotations

import dataclasses
from typing import Iterator

import libcst as cst

#: the fields of libcst's nodes that hold only punctuation, whitespace and comments
LAYOUT = frozenset({
    "lpar", "rpar", "comma", "semicolon", "colon", "first_colon", "second_colon", "dot", "equal", "operator",
    "lbrace", "rbrace", "lbracket", "rbracket", "trailing_comma", "relative", "posonly_ind", "asynchronous",
    "separator", "leading_lines", "lines_after_decorators", "empty_lines", "header", "footer", "newline",
    "comment", "first_line", "last_line", "trailing_whitespace",
})
_FIELDS: dict[type, tuple[str, ...]] = {}


def children(node: cst.CSTNode) -> list[cst.CSTNode]:
    """The nodes directly under ``node`` but its ``LAYOUT``, in the order of its fields."""
    names = _FIELDS.get(type(node))
    if names is None:
        names = _FIELDS[type(node)] = tuple(
            f.name for f in dataclasses.fields(node) if f.name not in LAYOUT and not f.name.startswith("whitespace")
        )
    found: list[cst.CSTNode] = []
    for name in names:
        value = getattr(node, name)
        kind = _KINDS[type(value)]
        if kind is _NODE:
            found.append(value)
        elif kind is _SEQUENCE:
            found.extend(item for item in value if _KINDS[type(item)] is _NODE)
    return found


_NODE, _SEQUENCE, _OTHER = "node", "sequence", "other"


class _Kinds(dict[type, str]):
    """What each type of a field's value is, told once (``isinstance`` against
    libcst's abstract classes is slow, and a walk asks it of every field)."""

    def __missing__(self, kind: type) -> str:
        found = self[kind] = _NODE if issubclass(kind, cst.CSTNode) else _SEQUENCE if issubclass(kind, (list, tuple)) else _OTHER
        return found


_KINDS = _Kinds()


def walk(node: cst.CSTNode) -> Iterator[cst.CSTNode]:
    """``node`` and every node under it but their ``LAYOUT``, each parent before its children."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(children(current))
