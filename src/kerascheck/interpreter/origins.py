"""Stand-ins: the nodes of another module as the analysed file sees them.

While code of a module the analysed file imports runs, its nodes are not the
file's: what is made there (a layer, a model) is shown in the file's report at
the call (or import) of the file that led there, the *anchor*.  Each node of
the other module is represented by a stand-in, a copy of the anchor made once
per (anchor, node): positioned and read as the anchor, yet one object per node
of the other module, whose ``Origin`` says where that node really is and by
which calls it was reached.  A finding about a layer made in a helper module
can so be reported at the layer's own line in that module.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING

import libcst as cst

if TYPE_CHECKING:
    from kerascheck.interpreter.modules import ModuleState

#: the calls in other modules between the anchor and a node: each call node with its module
Calls = tuple[tuple[cst.CSTNode, "ModuleState"], ...]


@dataclass(frozen=True)
class Place:
    """Where code of another module runs: its module, and the calls (in other
    modules than the analysed file) that led there from the anchor."""

    module: ModuleState
    calls: Calls = ()


@dataclass(frozen=True)
class Origin:
    """Where the node a stand-in stands for is: ``node`` in ``module``, reached from
    ``anchor`` (a node of the analysed file) through ``calls``."""

    node: cst.CSTNode
    module: ModuleState
    anchor: cst.CSTNode
    calls: Calls


class Origins:
    """The stand-ins made during one analysis, and their origins."""

    def __init__(self) -> None:
        self._stand_ins: dict[tuple[int, int], cst.CSTNode] = {}
        self._origins: dict[int, Origin] = {}

    def stand_in(self, node: cst.CSTNode, anchor: cst.CSTNode, place: Place) -> cst.CSTNode:
        """The stand-in of ``node`` (of ``place``'s module) reached from ``anchor``;
        ``node`` itself when it is a stand-in or the anchor already."""
        if node is anchor or id(node) in self._origins:
            return node
        key = (id(anchor), id(node))
        found = self._stand_ins.get(key)
        if found is None:
            found = self._stand_ins[key] = shallow_copy(anchor)
            self._origins[id(found)] = Origin(node, place.module, anchor, place.calls)
        return found

    def of(self, node: cst.CSTNode | None) -> Origin | None:
        """The origin of ``node`` when it is a stand-in."""
        return self._origins.get(id(node)) if node is not None else None

    def anchor(self, node: cst.CSTNode | None) -> cst.CSTNode | None:
        """The node of the analysed file that ``node`` stands for (``node`` itself when it is the file's)."""
        origin = self.of(node)
        return origin.anchor if origin is not None else node

    def through(self, node: cst.CSTNode | None, sites: set[int]) -> bool:
        """Whether ``node`` was reached through one of the calls ``sites`` (by the id
        of the node itself, of its anchor, or of a call on the way)."""
        origin = self.of(node)
        if origin is None:
            return id(node) in sites
        return any(id(step) in sites for step in (origin.anchor, *(call for call, _ in origin.calls), origin.node))

    def place_after(self, node: cst.CSTNode | None, module: ModuleState, current: Place | None) -> Place:
        """The place of code of ``module`` entered by ``node`` from ``current``: by a
        call or import of the analysed file (the anchor), by the stand-in of one in
        another module, or (no node: a library calls it) where ``current`` is."""
        origin = self.of(node)
        if origin is not None:
            return Place(module, (*origin.calls, (origin.node, origin.module)))
        return Place(module, current.calls if node is None and current is not None else ())


def shallow_copy(node: cst.CSTNode) -> cst.CSTNode:
    """``copy.copy(node)``: a new node of the same fields, made without the
    pickling protocol ``copy`` goes through (a third of an analysis's copies' time)."""
    kind = type(node)
    names = _FIELDS.get(kind)
    if names is None:
        names = _FIELDS[kind] = tuple(f.name for f in dataclasses.fields(kind))
    copied = object.__new__(kind)
    for name in names:
        object.__setattr__(copied, name, getattr(node, name))
    return copied


_FIELDS: dict[type, tuple[str, ...]] = {}
