"""Names a snippet reads but never binds: pasted code, a notebook cell, a script
whose imports are elsewhere.

``model.add(Dense(32))`` in a file with no import and no ``model = ...`` means
Keras's ``Dense`` and a model made before the snippet starts.  The interpreter
asks the libraries what such a name stands for (``Library.implicit``) only
when the module binds it nowhere, in no scope, and no star import of unknown
content may bind it: a bound name is never reinterpreted.
"""

from __future__ import annotations

import builtins
from dataclasses import dataclass, field
from typing import Any, cast

import libcst as cst

from kerascheck.interpreter.walk import children


@dataclass
class Unbound:
    """What a module reads without binding: ``names``, and among them the ones
    first used as ``NAME.add(...)`` (a model the snippet adds layers to)."""

    names: set[str] = field(default_factory=set)
    receivers: set[str] = field(default_factory=set)


def unbound_names(module: cst.Module) -> Unbound:
    """The names ``module`` reads but binds nowhere (Python's built-ins aside)."""
    scan = _Scan()
    scan.run(module)
    names = set(scan.kinds) - scan.bound - set(dir(builtins))
    if any(len(scan.kinds[name]) > 1 for name in names):  # which use comes first decides: in source order
        collector = _Collector()
        module.visit(collector)
        return Unbound(names, {n for n in names if collector.first_use[n] == "add"})
    return Unbound(names, {n for n in names if scan.kinds[n] == {"add"}})


def _add_receiver(node: cst.Call) -> cst.Name | None:
    """``NAME`` of a call ``NAME.add(...)``."""
    func = node.func
    if isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name) and func.attr.value == "add":
        return func.value
    return None


class _Bindings:
    """The names a module binds, gathered as its nodes are visited (``visit_*``)."""

    def __init__(self) -> None:
        self.bound: set[str] = set()

    def bind_import(self, node: cst.Import | cst.ImportFrom) -> None:
        if isinstance(node, cst.Import):
            self.bound.update(alias.evaluated_alias or alias.evaluated_name.split(".")[0] for alias in node.names)
        elif not isinstance(node.names, cst.ImportStar):
            self.bound.update(alias.evaluated_alias or alias.evaluated_name for alias in node.names)

    def visit_Param(self, node: cst.Param) -> None:
        self.bound.add(node.name.value)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.bound.add(node.name.value)

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self.bound.add(node.name.value)

    def visit_AssignTarget(self, node: cst.AssignTarget) -> None:
        self.bind(node.target)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self.bind(node.target)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self.bind(node.target)

    def visit_For(self, node: cst.For) -> None:
        self.bind(node.target)

    def visit_CompFor(self, node: cst.CompFor) -> None:
        self.bind(node.target)

    def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
        self.bind(node.target)

    def visit_AsName(self, node: cst.AsName) -> None:
        self.bind(node.name)

    def visit_Global(self, node: cst.Global) -> None:
        self.bound.update(n.name.value for n in node.names)

    def visit_Nonlocal(self, node: cst.Nonlocal) -> None:
        self.bound.update(n.name.value for n in node.names)

    def visit_MatchAs(self, node: cst.MatchAs) -> None:
        if node.name is not None:
            self.bound.add(node.name.value)

    def visit_MatchStar(self, node: cst.MatchStar) -> None:
        if node.name is not None:
            self.bound.add(node.name.value)

    def visit_MatchMapping(self, node: cst.MatchMapping) -> None:
        if node.rest is not None:
            self.bound.add(node.rest.value)

    def visit_TypeAlias(self, node: cst.TypeAlias) -> None:
        self.bound.add(node.name.value)

    def bind(self, target: cst.BaseExpression) -> None:
        if isinstance(target, cst.Name):
            self.bound.add(target.value)
        elif isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                self.bind(element.value)
        elif isinstance(target, cst.StarredElement):
            self.bind(target.value)


class _Collector(_Bindings, cst.CSTVisitor):
    """Each name's first use, in source order: ``add`` (``NAME.add(...)``) or ``other``."""

    def __init__(self) -> None:
        super().__init__()
        self.first_use: dict[str, str] = {}  # name: "add" or "other", in source order

    def visit_Name(self, node: cst.Name) -> None:
        self.first_use.setdefault(node.value, "other")

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        node.value.visit(self)  # not ``attr``: an attribute's name is no variable
        return False

    def visit_Call(self, node: cst.Call) -> None:
        receiver = _add_receiver(node)
        if receiver is not None:
            self.first_use.setdefault(receiver.value, "add")

    def visit_Arg(self, node: cst.Arg) -> bool:
        node.value.visit(self)  # not ``keyword``
        return False

    def visit_Import(self, node: cst.Import) -> bool:
        self.bind_import(node)
        return False

    def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
        self.bind_import(node)
        return False


class _Scan(_Bindings):
    """The kinds of use of each name (``add``, ``other``), in no particular order:
    the nodes the ``_Collector`` visits, walked without a libcst visitor."""

    def __init__(self) -> None:
        super().__init__()
        self.kinds: dict[str, set[str]] = {}

    def run(self, module: cst.Module) -> None:
        receivers: set[int] = set()  # a receiver's own name is used after its call: not a use of its own
        stack: list[cst.CSTNode] = [module]
        while stack:
            node = stack.pop()
            kind = type(node)  # (``type(x) is``: libcst's concrete classes have no subclasses)
            if kind is cst.Name:
                if id(node) not in receivers:
                    self.kinds.setdefault(cast(cst.Name, node).value, set()).add("other")
            elif kind is cst.Attribute or kind is cst.Arg:
                stack.append(cast("cst.Attribute | cst.Arg", node).value)  # not ``attr``, not ``keyword``
                continue
            elif kind is cst.Import or kind is cst.ImportFrom:
                self.bind_import(cast("cst.Import | cst.ImportFrom", node))
                continue
            elif kind is cst.Call and (receiver := _add_receiver(cast(cst.Call, node))) is not None:
                self.kinds.setdefault(receiver.value, set()).add("add")
                receivers.add(id(receiver))
            else:
                if kind not in _VISITS:
                    _VISITS[kind] = getattr(_Scan, f"visit_{kind.__name__}", None)
                visit = _VISITS[kind]
                if visit is not None:
                    visit(self, node)
            stack.extend(children(node))


#: the ``_Scan`` method for each type of node (None: none), found once
_VISITS: dict[type, Any] = {}
