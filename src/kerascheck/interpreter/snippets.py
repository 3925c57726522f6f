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

import libcst as cst


@dataclass
class Unbound:
    """What a module reads without binding: ``names``, and among them the ones
    first used as ``NAME.add(...)`` (a model the snippet adds layers to)."""

    names: set[str] = field(default_factory=set)
    receivers: set[str] = field(default_factory=set)


def unbound_names(module: cst.Module) -> Unbound:
    """The names ``module`` reads but binds nowhere (Python's built-ins aside)."""
    collector = _Collector()
    module.visit(collector)
    names = set(collector.first_use) - collector.bound - set(dir(builtins))
    return Unbound(names, {n for n in names if collector.first_use[n] == "add"})


class _Collector(cst.CSTVisitor):
    def __init__(self) -> None:
        self.bound: set[str] = set()
        self.first_use: dict[str, str] = {}  # name: "add" or "other", in source order

    def use(self, name: str, kind: str = "other") -> None:
        self.first_use.setdefault(name, kind)

    def visit_Name(self, node: cst.Name) -> None:
        self.use(node.value)

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        node.value.visit(self)  # not ``attr``: an attribute's name is no variable
        return False

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name) and func.attr.value == "add":
            self.use(func.value.value, "add")

    def visit_Arg(self, node: cst.Arg) -> bool:
        node.value.visit(self)  # not ``keyword``
        return False

    def visit_Param(self, node: cst.Param) -> None:
        self.bound.add(node.name.value)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.bound.add(node.name.value)

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self.bound.add(node.name.value)

    def visit_Import(self, node: cst.Import) -> bool:
        for alias in node.names:
            self.bound.add(alias.evaluated_alias or alias.evaluated_name.split(".")[0])
        return False

    def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
        if not isinstance(node.names, cst.ImportStar):
            self.bound.update(alias.evaluated_alias or alias.evaluated_name for alias in node.names)
        return False

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
