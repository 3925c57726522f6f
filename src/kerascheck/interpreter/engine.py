"""The abstract interpreter: walks a libcst module like Python would, on abstract values.

Statements run in order; values that cannot be determined become ``Unknown``
and the walk goes on.  A condition that is unknown runs both branches on
copies of the local variables and keeps only what both agree on.  Keras
objects (layers, tensors, models) are handled by ``keras_api``.
"""

from __future__ import annotations

import dataclasses
import operator
import re
import time
from dataclasses import dataclass
from typing import Any, Iterator

import libcst as cst

from kerascheck.graph import Layer, Model, Tensor
from kerascheck.interpreter import arrays, builtins, subclassed_models, tf_ops
from kerascheck.interpreter.arrays import Array
from kerascheck.interpreter.input_shapes import InputShapes
from kerascheck.interpreter.keras_api import KerasMethod
from kerascheck.interpreter.modules import Importer, ModuleState, Project
from kerascheck.modelbuild import sequential_input
from kerascheck.interpreter.values import (
    MISSING,
    Builtin,
    BoundMethod,
    Class,
    Function,
    Instance,
    Opaque,
    Ref,
    Scope,
    Super,
    canonical,
)
from kerascheck.unknown import Unknown, contains_unknown, is_unknown


class AnalysisLimit(Exception):
    """An interpreter budget ran out.

    A *fatal* one (total steps, time) ends the file's analysis; the others
    (recursion depth, loop length) abandon only the top-level statement.
    """

    def __init__(self, message: str, node: cst.CSTNode | None, fatal: bool = False) -> None:
        super().__init__(message)
        self.node = node
        self.fatal = fatal


class _Return(Exception):
    def __init__(self, value: Any) -> None:
        self.value = value


class _Break(Exception):
    pass


class _Continue(Exception):
    pass


class _UncertainExit(Exception):
    """A ``break`` or ``continue`` under a condition that cannot be evaluated: how
    the enclosing loop goes on is unknown."""


class _Raise(Exception):
    """A ``raise`` statement ran: the enclosing function's result is unknown."""


@dataclass
class Limits:
    max_steps: int = 2_000_000
    max_seconds: float = 10.0
    max_depth: int = 60
    max_iterations: int = 10_000


class Foreign(Unknown):
    """The result of calling something defined outside the analysed file."""

    __slots__ = ("label",)

    def __init__(self, label: str) -> None:
        super().__init__(f"{label} is defined outside this file")
        self.label = label


BINOPS = {
    cst.Add: operator.add,
    cst.Subtract: operator.sub,
    cst.Multiply: operator.mul,
    cst.Divide: operator.truediv,
    cst.FloorDivide: operator.floordiv,
    cst.Modulo: operator.mod,
    cst.Power: operator.pow,
    cst.LeftShift: operator.lshift,
    cst.RightShift: operator.rshift,
    cst.BitAnd: operator.and_,
    cst.BitOr: operator.or_,
    cst.BitXor: operator.xor,
    cst.MatrixMultiply: operator.matmul,
}
AUGOPS = {
    cst.AddAssign: cst.Add,
    cst.SubtractAssign: cst.Subtract,
    cst.MultiplyAssign: cst.Multiply,
    cst.DivideAssign: cst.Divide,
    cst.FloorDivideAssign: cst.FloorDivide,
    cst.ModuloAssign: cst.Modulo,
    cst.PowerAssign: cst.Power,
    cst.LeftShiftAssign: cst.LeftShift,
    cst.RightShiftAssign: cst.RightShift,
    cst.BitAndAssign: cst.BitAnd,
    cst.BitOrAssign: cst.BitOr,
    cst.BitXorAssign: cst.BitXor,
}
COMPARE = {
    cst.Equal: operator.eq,
    cst.NotEqual: operator.ne,
    cst.LessThan: operator.lt,
    cst.LessThanEqual: operator.le,
    cst.GreaterThan: operator.gt,
    cst.GreaterThanEqual: operator.ge,
    cst.In: lambda a, b: a in b,
    cst.NotIn: lambda a, b: a not in b,
    cst.Is: lambda a, b: a is b,
    cst.IsNot: lambda a, b: a is not b,
}
TENSOR_COMPARISONS = (cst.Equal, cst.NotEqual, cst.LessThan, cst.LessThanEqual, cst.GreaterThan, cst.GreaterThanEqual)
PLAIN = (int, float, complex, str, bytes, bool, type(None), tuple, list, dict, set, frozenset, range)


def truth(value: Any) -> Any:
    """Python truthiness, or Unknown."""
    if is_unknown(value):
        return value
    if isinstance(value, builtins.Vector):
        return Unknown("the truth of a NumPy array")
    if isinstance(value, (list, tuple, dict, set)) and contains_unknown(value) and len(value) == 0:
        return False
    if isinstance(value, (PLAIN, arrays.Scalar)):
        return bool(value)
    return True  # objects (layers, tensors, functions) are truthy


def join(a: Any, b: Any) -> Any:
    """The value of a variable after two branches: kept only if both agree."""
    if a is b:
        return a
    if isinstance(a, PLAIN) and isinstance(b, PLAIN) and type(a) is type(b):
        try:
            if not contains_unknown(a) and not contains_unknown(b) and a == b:
                return a
        except TypeError:
            pass
    if isinstance(a, Tensor) and isinstance(b, Tensor):
        alternatives = (*(a.alternatives or (a,)), *(b.alternatives or (b,)))
        # Which tensor it is stays unknown; its shape is known when both agree.
        shape = a.shape if _same_shape(a.shape, b.shape) else Unknown("depends on a condition kerascheck cannot evaluate")
        return Tensor(shape, alternatives=alternatives)
    return Unknown("depends on a condition kerascheck cannot evaluate")


def _lacks_shape(shape: Any) -> bool:
    """No input shape, or one the source does not determine."""
    return shape is None or contains_unknown(shape)


def _same_shape(a: Any, b: Any) -> bool:
    if isinstance(a, (tuple, list)) and isinstance(b, (tuple, list)):
        return type(a) is type(b) and len(a) == len(b) and all(_same_shape(x, y) for x, y in zip(a, b))
    return not is_unknown(a) and not is_unknown(b) and (a is None or isinstance(a, int)) and a == b


class Interpreter:
    """Runs one module; ``api`` models Keras, ``limits`` bounds the work, ``project``
    locates the modules it imports (None: none is followed)."""

    def __init__(
        self,
        module: cst.Module,
        api: Any,
        limits: Limits | None = None,
        project: Project | None = None,
        input_shapes: InputShapes | None = None,
    ) -> None:
        self.module = module
        self.input_shapes = input_shapes  # given by the user, by function or model name
        self.api = api
        api.interp = self
        self.limits = limits or Limits()
        self.main = ModuleState("__main__", project.package if project else "", module)
        self.globals = self.main.globals
        self.importer = Importer(project, self.main, self.run_module)
        #: while code of another module runs: the call (or import) in the analysed
        #: file that led there, which stands for its nodes (lines, diagnostics)
        self.anchor: cst.CSTNode | None = None
        self.importing = 0  # > 0 while an imported module's body runs
        self.steps = 0
        self.deadline = time.monotonic() + self.limits.max_seconds
        self.depth = 0
        self.uncertain = 0  # > 0 while running a branch whose condition is unknown
        self.uncertain_node: cst.CSTNode | None = None
        self.called: set[int] = set()  # ids of functions called at least once
        self.call_stack: list[tuple[str, cst.CSTNode | None]] = []  # the calls being made
        self.tainted: dict[int, Any] = {}  # containers mutated under an unknown condition
        self.limit_hits: list[AnalysisLimit] = []

    # ------------------------------------------------------------------ driver
    def run(self) -> None:
        """Run the module body, then each entry point: a top-level function that
        nothing in the file calls (by name, or at run time).

        Non-fatal limits are recorded in ``limit_hits`` and the next top-level
        statement runs; a fatal one propagates.
        """
        for statement in self.module.body:
            try:
                self.exec_stmt(statement, self.globals)
            except _Raise:
                break
            except (_Return, _Break, _Continue, _UncertainExit):
                continue
            except AnalysisLimit as exc:
                if exc.fatal:
                    raise
                self.limit_hits.append(exc)
                self.depth, self.uncertain, self.call_stack = 0, 0, []
        candidates = [v for v in self.globals.vars.values() if self.may_be_entry_point(v)]
        helpers = called_by_name(self.module) if candidates else set()  # a walk of every node: only when needed
        for value in candidates:
            if value.name not in helpers and id(value) not in self.called:  # an earlier one may have run it
                self.guarded(self.call_with_defaults, value)
        if self.input_shapes is not None:
            for model in list(self.api.models):
                self.guarded(self.give_input_shape, model)

    def guarded(self, step, value: Any) -> None:
        """Run one more step after the module body; a non-fatal limit ends only it."""
        try:
            step(value)
        except AnalysisLimit as exc:
            if exc.fatal:
                raise
            self.limit_hits.append(exc)
            self.depth, self.uncertain, self.call_stack = 0, 0, []

    def give_input_shape(self, model: Model) -> None:
        """A model the source gives no input shape, with one the user gave by name."""
        subclassed = model.kind == "subclassed" and not model.traced
        if not subclassed and not (model.kind == "sequential" and _lacks_shape(sequential_input(model))):
            return
        shape = self.input_shapes.for_model(model.name, model.class_name)
        if shape is None:
            return
        if subclassed:
            subclassed_models.trace(self.api, model, Tensor((None, *shape)), {}, model.source)
        else:
            model.declared_input, model.rows, model.unknown_reason = (None, *shape), None, ""

    def may_be_entry_point(self, value: Any) -> bool:
        """A top-level function of the file that did not run (an entry point unless
        some code of the file calls it by name)."""
        return (
            isinstance(value, Function)
            and isinstance(value.node, cst.FunctionDef)
            and value.module is self.main
            and not value.is_method
            and id(value) not in self.called
        )

    def call_with_defaults(self, function: Function) -> None:
        """Report what a never-called builder function builds with its defaults, as
        if it were called in a fresh Keras session (names start over)."""
        self.deadline = max(self.deadline, time.monotonic() + self.limits.max_seconds / 4)
        self.api.new_session()
        self.call_stack.append((f"{function.name}() with its default arguments", None))
        try:
            self.call_function(function, [], {}, default_unknown=True)
        except (_Raise, _Break, _Continue):
            pass
        finally:
            self.call_stack.pop()

    def run_module(self, module: ModuleState, node: cst.CSTNode) -> None:
        """Run the body of a module imported by ``node`` (its own state, certain)."""
        outer = self.anchor, self.uncertain
        self.anchor, self.uncertain = self.site(node), 0
        self.importing += 1
        try:
            for statement in module.tree.body:
                try:
                    self.exec_stmt(statement, module.globals)
                except _Raise:
                    break
                except (_Return, _Break, _Continue, _UncertainExit):
                    continue
        except AnalysisLimit as exc:
            exc.node = self.anchor
            raise
        finally:
            self.importing -= 1
            self.anchor, self.uncertain = outer

    def site(self, node: Any) -> Any:
        """The node of the analysed file that stands for ``node``."""
        return node if self.anchor is None else self.anchor

    def context(self) -> tuple[str, cst.CSTNode | None] | None:
        """The outermost call being made (how a model built in a function was reached)."""
        return self.call_stack[0] if self.call_stack else None

    def tick(self, node: cst.CSTNode) -> None:
        self.steps += 1
        if self.steps > self.limits.max_steps:
            raise AnalysisLimit(f"stopped after {self.limits.max_steps:,} interpretation steps", node, fatal=True)
        if self.steps % 1024 == 0 and time.monotonic() > self.deadline:
            raise AnalysisLimit(f"stopped after {self.limits.max_seconds:g} s of interpretation", node, fatal=True)

    # -------------------------------------------------------------- statements
    def exec_block(self, body: Any, scope: Scope) -> None:
        statements = body.body if isinstance(body, cst.BaseSuite) else body
        if isinstance(statements, cst.BaseSmallStatement):
            statements = [statements]
        for statement in statements:
            self.exec_stmt(statement, scope)

    def exec_stmt(self, stmt: cst.CSTNode, scope: Scope) -> None:
        self.tick(stmt)
        if isinstance(stmt, cst.SimpleStatementLine):
            for small in stmt.body:
                self.exec_small(small, scope)
        elif isinstance(stmt, cst.SimpleStatementSuite):
            for small in stmt.body:
                self.exec_small(small, scope)
        elif isinstance(stmt, cst.If):
            self.exec_if(stmt, scope)
        elif isinstance(stmt, cst.For):
            self.exec_for(stmt, scope)
        elif isinstance(stmt, cst.While):
            self.exec_while(stmt, scope)
        elif isinstance(stmt, cst.FunctionDef):
            self.define_function(stmt, scope)
        elif isinstance(stmt, cst.ClassDef):
            self.define_class(stmt, scope)
        elif isinstance(stmt, cst.With):
            for item in stmt.items:
                value = self.eval(item.item, scope)
                if item.asname is not None:
                    self.assign(item.asname.name, Unknown("context manager value") if value is not None else None, scope)
            self.exec_block(stmt.body, scope)
        elif isinstance(stmt, cst.Try):
            self.exec_try(stmt, scope)
        # Match, TryStar and others: not interpreted (their effects stay unknown).

    def exec_small(self, small: cst.BaseSmallStatement, scope: Scope) -> None:
        if isinstance(small, cst.Expr):
            self.eval(small.value, scope)
        elif isinstance(small, cst.Assign):
            value = self.eval(small.value, scope)
            for target in small.targets:
                self.assign(target.target, value, scope)
        elif isinstance(small, cst.AnnAssign):
            if small.value is not None:
                self.assign(small.target, self.eval(small.value, scope), scope)
        elif isinstance(small, cst.AugAssign):
            current = self.eval(small.target, scope)
            value = self.eval(small.value, scope)
            if isinstance(current, Array):  # NumPy changes the array itself
                self.assign(small.target, arrays.inplace(current), scope)
                return
            self.assign(small.target, self.binary(AUGOPS[type(small.operator)], current, value, small), scope)
        elif isinstance(small, cst.Return):
            raise _Return(None if small.value is None else self.eval(small.value, scope))
        elif isinstance(small, cst.Break):
            raise _Break()
        elif isinstance(small, cst.Continue):
            raise _Continue()
        elif isinstance(small, cst.Raise):
            raise _Raise()
        elif isinstance(small, cst.Import):
            for alias in small.names:
                dotted = _dotted(alias.name)
                module = self.importer.load(dotted, small)
                if alias.asname is not None:
                    self.assign(alias.asname.name, module or Ref(canonical(dotted)), scope)
                else:
                    name = dotted.split(".")[0]
                    self.bind(name, self.importer.load(name, small) or Ref(canonical(name)), scope)
        elif isinstance(small, cst.ImportFrom):
            self.exec_import_from(small, scope)
        elif isinstance(small, cst.Global):
            scope.globals_.update(n.name.value for n in small.names)
        elif isinstance(small, cst.Nonlocal):
            scope.nonlocals.update(n.name.value for n in small.names)
        elif isinstance(small, cst.Del):
            if isinstance(small.target, cst.Name):
                scope.vars.pop(small.target.value, None)

    def exec_import_from(self, stmt: cst.ImportFrom, scope: Scope) -> None:
        importer = scope.module or self.main
        dotted = self.importer.absolute(importer, len(stmt.relative), _dotted(stmt.module) if stmt.module else "")
        module = self.importer.load(dotted, stmt) if dotted else None
        # a relative import the project does not resolve: its names are unknown
        base = canonical(dotted) if dotted and not stmt.relative else None
        if isinstance(stmt.names, cst.ImportStar):
            if module is not None:
                for name, value in list(module.globals.vars.items()):
                    if not name.startswith("_"):
                        self.bind(name, value, scope)
                importer.star_imports.extend(module.star_imports)
            elif base is not None:
                importer.star_imports.append(Ref(base))
            return
        for alias in stmt.names:
            name = _dotted(alias.name)
            bound = alias.asname.name.value if alias.asname is not None else name
            if module is not None:
                value = self.importer.attribute(module, name, stmt)
            else:
                value = (dotted and self.importer.load(f"{dotted}.{name}", stmt)) or MISSING
            if value is MISSING:  # a library's name (or one the project does not define)
                value = Ref(canonical(f"{base}.{name}")) if base else Foreign(name)
            self.bind(bound, value, scope)

    def exec_if(self, stmt: cst.If, scope: Scope) -> None:
        cond = truth(self.eval(stmt.test, scope))
        orelse = stmt.orelse
        if not is_unknown(cond):
            if cond:
                self.exec_block(stmt.body, scope)
            elif isinstance(orelse, cst.If):
                self.exec_if(orelse, scope)
            elif orelse is not None:
                self.exec_block(orelse.body, scope)
            return

        def run_else() -> None:
            if isinstance(orelse, cst.If):
                self.exec_if(orelse, scope)
            elif orelse is not None:
                self.exec_block(orelse.body, scope)

        self.fork(scope, stmt, lambda: self.exec_block(stmt.body, scope), run_else)

    def fork(self, scope: Scope, node: cst.CSTNode, first, second) -> None:
        """Run two alternatives on copies of the local variables and join them."""
        before = dict(scope.vars)
        left_loop = False
        self.uncertain += 1
        outer_node, self.uncertain_node = self.uncertain_node, self.uncertain_node or node
        results = []
        try:
            for branch in (first, second):
                scope.vars = dict(before)
                returned = MISSING
                try:
                    branch()
                except _Return as ret:
                    returned = ret.value
                except (_Break, _Continue, _UncertainExit):
                    left_loop = True
                except _Raise:
                    returned = Unknown("a raise under an unknown condition")
                results.append((scope.vars, returned))
        finally:
            self.uncertain -= 1
            self.uncertain_node = outer_node
        (vars_a, ret_a), (vars_b, ret_b) = results
        merged = {}
        for key in dict.fromkeys([*vars_a, *vars_b]):  # in order (entry points run in it)
            merged[key] = join(vars_a.get(key, MISSING), vars_b.get(key, MISSING))
        scope.vars = merged
        if left_loop:
            raise _UncertainExit()
        if ret_a is not MISSING and ret_b is not MISSING:
            raise _Return(join(ret_a, ret_b))
        if ret_a is not MISSING or ret_b is not MISSING:
            # Only one branch returned: whatever the function returns later is uncertain.
            scope.vars["__maybe_returned__"] = Unknown("a return under an unknown condition")

    def exec_for(self, stmt: cst.For, scope: Scope) -> None:
        iterable = self.eval(stmt.iter, scope)
        items = self.iterate(iterable, stmt)
        if items is None:
            self.run_unknown_loop(stmt, scope)
            return
        broke = False
        for count, item in enumerate(items):
            if count >= self.limits.max_iterations:
                self.loop_budget_spent(stmt, scope)
                return
            self.assign(stmt.target, item, scope)
            try:
                self.exec_block(stmt.body, scope)
            except _Break:
                broke = True
                break
            except _Continue:
                continue
            except _UncertainExit:
                self.forget_loop(stmt, scope)
                return
        if not broke and stmt.orelse is not None:
            self.exec_block(stmt.orelse.body, scope)

    def exec_while(self, stmt: cst.While, scope: Scope) -> None:
        count = 0
        while True:
            cond = truth(self.eval(stmt.test, scope))
            if is_unknown(cond):
                self.run_unknown_loop(stmt, scope)
                return
            if not cond:
                if stmt.orelse is not None:
                    self.exec_block(stmt.orelse.body, scope)
                return
            count += 1
            if count > self.limits.max_iterations:
                self.loop_budget_spent(stmt, scope)
                return
            try:
                self.exec_block(stmt.body, scope)
            except _Break:
                return
            except _Continue:
                continue
            except _UncertainExit:
                self.forget_loop(stmt, scope)
                return

    def loop_budget_spent(self, stmt: cst.For | cst.While, scope: Scope) -> None:
        """A loop past the iteration budget: its remaining iterations are not followed,
        so it ends as a loop over unknown values (what it assigns is unknown, a model it
        adds layers to is uncertain) rather than with the partial state of the last
        iteration followed, which would give wrong counts."""
        self.limit_hits.append(AnalysisLimit(f"a loop ran more than {self.limits.max_iterations:,} times", self.site(stmt)))
        self.run_unknown_loop(stmt, scope)

    def forget_loop(self, stmt: cst.For | cst.While, scope: Scope) -> None:
        """After a loop whose iterations cannot be followed: what it assigns is unknown."""
        for name in _assigned_names(stmt.body):
            scope.vars[name] = Unknown("assigned in a loop kerascheck cannot follow")

    def run_unknown_loop(self, stmt: cst.For | cst.While, scope: Scope) -> None:
        """A loop over unknown values: run its body once, uncertainly, then forget."""
        if isinstance(stmt, cst.For):
            self.assign(stmt.target, Unknown("loop variable over unknown values"), scope)
        try:
            self.fork(scope, stmt, lambda: self._loop_body_once(stmt, scope), lambda: None)
        except _UncertainExit:
            pass
        self.forget_loop(stmt, scope)

    def _loop_body_once(self, stmt: cst.For | cst.While, scope: Scope) -> None:
        try:
            self.exec_block(stmt.body, scope)
        except (_Break, _Continue, _UncertainExit):
            pass

    def exec_try(self, stmt: cst.Try, scope: Scope) -> None:
        try:
            self.exec_block(stmt.body, scope)
        except _Raise:
            pass  # the handler that runs is not known; its effects are not modelled
        else:
            if stmt.orelse is not None:
                self.exec_block(stmt.orelse.body, scope)
        finally:
            if stmt.finalbody is not None:
                self.exec_block(stmt.finalbody.body, scope)

    def iterate(self, value: Any, node: cst.CSTNode) -> Iterator[Any] | None:
        """The items of a known iterable, or None when they are unknown."""
        if isinstance(value, (list, tuple, range, str, set, frozenset)):
            if id(value) in self.tainted or (not isinstance(value, range) and _has_unknown_items(value)):
                return None
            return iter(list(value)) if not isinstance(value, range) else iter(value)
        if isinstance(value, dict):
            return iter(list(value)) if id(value) not in self.tainted else None
        if isinstance(value, builtins.Vector):
            return iter(value)
        return None

    # ------------------------------------------------------------ definitions
    def define_function(self, node: cst.FunctionDef, scope: Scope) -> None:
        defaults = {}
        params = node.params
        for param in (*params.posonly_params, *params.params, *params.kwonly_params):
            if param.default is not None:
                defaults[param.name.value] = self.eval(param.default, scope)
        closure = scope.parent if scope.is_class_body and scope.parent else scope
        function = Function(node.name.value, node, closure, defaults, scope.module or self.main, is_method=scope.is_class_body)
        value: Any = function
        for decorator in reversed(node.decorators):
            deco = self.eval(decorator.decorator, scope)
            # Only decorators defined in this file are applied; others (keras_export,
            # staticmethod, functools.wraps...) are assumed to return the function.
            if isinstance(deco, Function):
                value = self.call_value(deco, [value], {}, decorator)
        self.bind(node.name.value, value, scope)

    def define_class(self, node: cst.ClassDef, scope: Scope) -> None:
        bases = [self.eval(arg.value, scope) for arg in node.bases]
        body = Scope(scope, is_class_body=True)
        cls = Class(node.name.value, node, bases, body.vars)
        self.exec_block(node.body, body)
        for value in body.vars.values():
            if isinstance(value, Function) and value.owner is None:
                value.owner = cls
        self.bind(node.name.value, cls, scope)

    # ------------------------------------------------------------- variables
    def bind(self, name: str, value: Any, scope: Scope) -> None:
        if name in scope.globals_:
            (scope.module or self.main).globals.vars[name] = value
            return
        if name in scope.nonlocals:
            outer = scope.parent
            while outer is not None and name not in outer.vars:
                outer = outer.parent
            if outer is not None:
                outer.vars[name] = value
                return
        scope.vars[name] = value

    def lookup(self, name: str, scope: Scope, node: cst.CSTNode) -> Any:
        current: Scope | None = scope
        while current is not None:
            # Class bodies are visible to their own statements, not to methods.
            if name in current.vars and (current is scope or not current.is_class_body):
                return current.vars[name]
            current = current.parent
        if name in BUILTIN_NAMES:
            return BUILTIN_NAMES[name]
        if name == "super":
            return Builtin(name, lambda args, kwargs: self.super_of(scope, args))
        if name in self.engine_builtins:
            return Builtin(name, self.engine_builtins[name])
        if name in builtins.PURE:
            return Builtin(name, lambda args, kwargs, n=name: builtins.call_pure(n, args, kwargs))
        for module in (scope.module or self.main).star_imports:
            candidate = module.attr(name)
            if self.api.knows(candidate):
                return candidate
        return Unknown(f"'{name}' is not defined in this file")

    def assign(self, target: cst.BaseExpression, value: Any, scope: Scope) -> None:
        if isinstance(target, cst.Name):
            self.bind(target.value, value, scope)
        elif isinstance(target, (cst.Tuple, cst.List)):
            self.unpack(target, value, scope)
        elif isinstance(target, cst.Attribute):
            receiver = self.eval(target.value, scope)
            self.set_attribute(receiver, target.attr.value, value)
        elif isinstance(target, cst.Subscript):
            container = self.eval(target.value, scope)
            key = self.eval_slice(target, scope)
            if isinstance(container, Array):
                arrays.forget(container)
            elif isinstance(container, (list, dict)) and not is_unknown(key):
                if self.uncertain:
                    self.taint(container)
                try:
                    container[key] = value
                except (TypeError, IndexError, KeyError):
                    self.taint(container)
            elif isinstance(container, (list, dict)):
                self.taint(container)

    def unpack(self, target: cst.Tuple | cst.List, value: Any, scope: Scope) -> None:
        elements = target.elements
        star = next((i for i, e in enumerate(elements) if isinstance(e, cst.StarredElement)), None)
        items = self.iterate(value, target)
        if isinstance(value, Tensor) and not is_unknown(value.shape) and isinstance(value.shape, list):
            items = iter(value.shape)
        items_list = list(items) if items is not None else None
        if items_list is None and isinstance(value, Tensor) and is_unknown(value.shape) and star is None:
            items_list = [Tensor(Unknown("output of unknown shape"), value.producer, i) for i in range(len(elements))]
        if items_list is None and isinstance(value, list) and len(value) and all(isinstance(v, Tensor) for v in value):
            items_list = list(value)
        for index, element in enumerate(elements):
            sub = element.value
            if items_list is None:
                self.assign(sub, Unknown("unpacking an unknown value"), scope)
                continue
            if star is None:
                item = items_list[index] if len(items_list) == len(elements) else Unknown("unpacking mismatch")
            elif index < star:
                item = items_list[index] if index < len(items_list) else Unknown("unpacking mismatch")
            elif index == star:
                item = items_list[star : len(items_list) - (len(elements) - star - 1)]
            else:
                offset = len(elements) - index
                item = items_list[-offset] if offset <= len(items_list) else Unknown("unpacking mismatch")
            self.assign(sub, item, scope)

    def set_attribute(self, receiver: Any, name: str, value: Any) -> None:
        if isinstance(receiver, ModuleState):  # ``helpers.WIDTH = 64``: the module's own global
            old = receiver.globals.vars.get(name, MISSING)
            receiver.globals.vars[name] = join(old, value) if self.uncertain else value
            return
        if isinstance(receiver, Instance):
            if isinstance(receiver.keras, Model) and receiver.keras.kind == "subclassed":
                subclassed_models.track(self.api, receiver.keras, value)
            if self.uncertain and name in receiver.attrs:
                value = join(receiver.attrs[name], value)
            receiver.attrs[name] = value
        elif isinstance(receiver, Array):
            arrays.set_attribute(receiver, name, value, uncertain=bool(self.uncertain))
        else:
            self.api.set_attribute(receiver, name, value, uncertain=bool(self.uncertain))

    def taint(self, container: Any) -> None:
        self.tainted[id(container)] = container

    # ------------------------------------------------------------- expressions
    def eval(self, node: cst.BaseExpression, scope: Scope) -> Any:
        method = getattr(self, "eval_" + type(node).__name__, None)
        if method is None:
            return Unknown(f"{type(node).__name__} expressions are not interpreted")
        return method(node, scope)

    def eval_Name(self, node: cst.Name, scope: Scope) -> Any:
        if node.value in ("True", "False", "None"):
            return {"True": True, "False": False, "None": None}[node.value]
        value = self.lookup(node.value, scope, node)
        if isinstance(value, (list, dict, set)) and id(value) in self.tainted:
            return Unknown(f"'{node.value}' was changed under an unknown condition")
        return value

    def eval_Integer(self, node: cst.Integer, scope: Scope) -> Any:
        return node.evaluated_value

    def eval_Float(self, node: cst.Float, scope: Scope) -> Any:
        return node.evaluated_value

    def eval_Imaginary(self, node: cst.Imaginary, scope: Scope) -> Any:
        return node.evaluated_value

    def eval_SimpleString(self, node: cst.SimpleString, scope: Scope) -> Any:
        try:
            return node.evaluated_value
        except Exception:  # noqa: BLE001 - malformed escapes: keep going
            return Unknown("string literal")

    def eval_ConcatenatedString(self, node: cst.ConcatenatedString, scope: Scope) -> Any:
        left, right = self.eval(node.left, scope), self.eval(node.right, scope)
        if isinstance(left, str) and isinstance(right, str):
            return left + right
        return Unknown("string")

    def eval_FormattedString(self, node: cst.FormattedString, scope: Scope) -> Any:
        return self.format_parts(node.parts, scope)

    def format_parts(self, parts: Any, scope: Scope) -> Any:
        """The text of f-string parts (a format spec is made of parts too), or Unknown."""
        out = []
        for part in parts:
            if isinstance(part, cst.FormattedStringText):
                out.append(part.value)
                continue
            value = self.eval(part.expression, scope)
            spec = self.format_parts(part.format_spec or (), scope)
            if part.equal is not None or is_unknown(spec) or not _formattable(value):
                return Unknown("f-string of an unknown value")
            conversion = {"r": repr, "s": str, "a": ascii}.get(part.conversion or "")
            try:
                out.append(format(conversion(value) if conversion else value, spec))
            except (TypeError, ValueError) as exc:
                return Unknown(f"f-string failed: {exc}")
        return "".join(out)

    def eval_Ellipsis(self, node: cst.Ellipsis, scope: Scope) -> Any:
        return Ellipsis

    def eval_Tuple(self, node: cst.Tuple, scope: Scope) -> Any:
        return tuple(self.eval_elements(node.elements, scope))

    def eval_List(self, node: cst.List, scope: Scope) -> Any:
        return self.eval_elements(node.elements, scope)

    def eval_Set(self, node: cst.Set, scope: Scope) -> Any:
        items = self.eval_elements(node.elements, scope)
        try:
            return set(items)
        except TypeError:
            return Unknown("set of unhashable values")

    def eval_elements(self, elements: Any, scope: Scope) -> list:
        out: list = []
        for element in elements:
            value = self.eval(element.value, scope)
            if isinstance(element, cst.StarredElement):
                items = self.iterate(value, element)
                if items is None:
                    out.append(Unknown("starred unknown value"))
                else:
                    out.extend(items)
            else:
                out.append(value)
        return out

    def eval_Dict(self, node: cst.Dict, scope: Scope) -> Any:
        out: dict = {}
        for element in node.elements:
            if isinstance(element, cst.StarredDictElement):
                value = self.eval(element.value, scope)
                if isinstance(value, dict):
                    out.update(value)
                else:
                    return Unknown("dict unpacking of an unknown value")
                continue
            key = self.eval(element.key, scope)
            value = self.eval(element.value, scope)
            if is_unknown(key):
                return Unknown("dict with an unknown key")
            try:
                out[key] = value
            except TypeError:
                return Unknown("dict with an unhashable key")
        return out

    def eval_Comparison(self, node: cst.Comparison, scope: Scope) -> Any:
        left = self.eval(node.left, scope)
        result: Any = True
        for target in node.comparisons:
            right = self.eval(target.comparator, scope)
            op = COMPARE[type(target.operator)]
            tensor_operand = isinstance(left, Tensor) or isinstance(right, Tensor)
            if tensor_operand and len(node.comparisons) == 1 and type(target.operator) in TENSOR_COMPARISONS:
                return self.api.tensor_binary(type(target.operator), left, right, self.site(node))
            if isinstance(target.operator, (cst.Is, cst.IsNot)):
                value = self.identity(left, right, op)
            elif contains_unknown(left) or contains_unknown(right) or not _comparable(left, right):
                value = Unknown("comparison of unknown values")
            else:
                try:
                    value = op(left, right)
                except TypeError:
                    value = Unknown("comparison")
            if is_unknown(value):
                result = value
            elif not value:
                return False
            left = right
        return result

    @staticmethod
    def identity(left: Any, right: Any, op: Any) -> Any:
        if is_unknown(left) or is_unknown(right):
            return Unknown("identity of an unknown value")
        return op(left, right)

    def eval_BooleanOperation(self, node: cst.BooleanOperation, scope: Scope) -> Any:
        left = self.eval(node.left, scope)
        cond = truth(left)
        is_and = isinstance(node.operator, cst.And)
        if is_unknown(cond):
            right = self.eval(node.right, scope)
            right_truth = truth(right)
            if is_and and right_truth is False:
                return right if isinstance(right, bool) else Unknown("boolean")
            if not is_and and right_truth is True and isinstance(right, bool):
                return True
            return Unknown("boolean of an unknown value")
        if is_and:
            return self.eval(node.right, scope) if cond else left
        return left if cond else self.eval(node.right, scope)

    def eval_UnaryOperation(self, node: cst.UnaryOperation, scope: Scope) -> Any:
        value = self.eval(node.expression, scope)
        if isinstance(node.operator, cst.Not):
            cond = truth(value)
            return cond if is_unknown(cond) else not cond
        if isinstance(value, Tensor):
            return self.api.tensor_unary(node.operator, value, self.site(node))
        if contains_unknown(value) or not isinstance(value, (int, float, complex, bool)):
            return Unknown("unary operation on an unknown value")
        if isinstance(node.operator, cst.Minus):
            return -value
        if isinstance(node.operator, cst.Plus):
            return +value
        return ~value

    def eval_BinaryOperation(self, node: cst.BinaryOperation, scope: Scope) -> Any:
        left = self.eval(node.left, scope)
        right = self.eval(node.right, scope)
        return self.binary(type(node.operator), left, right, node)

    def binary(self, op_type: type, left: Any, right: Any, node: cst.CSTNode) -> Any:
        if isinstance(left, Tensor) or isinstance(right, Tensor):
            return self.api.tensor_binary(op_type, left, right, self.site(node))
        if arrays.is_numpy(left) or arrays.is_numpy(right):
            return arrays.binary(BINOPS[op_type], left, right)
        if contains_unknown(left) or contains_unknown(right):
            return Unknown("arithmetic on an unknown value")
        if not (isinstance(left, PLAIN) and isinstance(right, PLAIN)):
            return Unknown("arithmetic on objects")
        if op_type is cst.Power and isinstance(right, (int, float)) and abs(right) > 10_000:
            return Unknown("power too large")
        if op_type is cst.LeftShift and isinstance(right, int) and right > 10_000:
            return Unknown("shift too large")
        if op_type is cst.Multiply and _repeat_size(left, right) > builtins.MAX_SIZE:
            return Unknown("value too large to track")
        if op_type is cst.Modulo and isinstance(left, str):
            return _percent_format(left, right)
        try:
            return BINOPS[op_type](left, right)
        except (TypeError, ValueError, ZeroDivisionError, OverflowError) as exc:
            return Unknown(f"arithmetic failed: {exc}")

    def eval_IfExp(self, node: cst.IfExp, scope: Scope) -> Any:
        cond = truth(self.eval(node.test, scope))
        if is_unknown(cond):
            return join(self.eval(node.body, scope), self.eval(node.orelse, scope))
        return self.eval(node.body if cond else node.orelse, scope)

    def eval_Lambda(self, node: cst.Lambda, scope: Scope) -> Any:
        defaults = {}
        for param in (*node.params.params, *node.params.kwonly_params):
            if param.default is not None:
                defaults[param.name.value] = self.eval(param.default, scope)
        return Function("<lambda>", node, scope, defaults, scope.module or self.main)

    def eval_NamedExpr(self, node: cst.NamedExpr, scope: Scope) -> Any:
        value = self.eval(node.value, scope)
        self.assign(node.target, value, scope)
        return value

    def eval_Attribute(self, node: cst.Attribute, scope: Scope) -> Any:
        receiver = self.eval(node.value, scope)
        return self.get_attribute(receiver, node.attr.value, node)

    def get_attribute(self, receiver: Any, name: str, node: cst.CSTNode) -> Any:
        if isinstance(receiver, ModuleState):
            found = self.importer.attribute(receiver, name, node)
            return Unknown(f"{receiver.name}.{name} is not defined") if found is MISSING else found
        if isinstance(receiver, Ref):
            constant = builtins.CONSTANTS.get(f"{receiver.path}.{name}", MISSING)
            return constant if constant is not MISSING else receiver.attr(name)
        if isinstance(receiver, Array):
            return arrays.attribute(receiver, name)
        if isinstance(receiver, Model) and receiver.owner is not None:
            receiver = receiver.owner  # an instance of a Model subclass: its own attributes first
        if isinstance(receiver, Instance):
            if name in receiver.attrs:
                return receiver.attrs[name]
            found = receiver.cls.lookup(name)
            if isinstance(found, Function):
                return BoundMethod(receiver, found)
            if found is not MISSING:
                return found
            return self.api.instance_attribute(receiver, name)
        if isinstance(receiver, Super):
            return self.super_attribute(receiver, name)
        if isinstance(receiver, Class):
            found = receiver.lookup(name)
            return found if found is not MISSING else Unknown(f"{receiver.name}.{name}")
        if is_unknown(receiver):
            return Unknown("attribute of an unknown value")
        if isinstance(receiver, (Layer, Model, Tensor)):
            return self.api.get_attribute(receiver, name, self.site(node))
        if isinstance(receiver, PLAIN):
            if name in builtins.MUTATING_METHODS and isinstance(receiver, (list, dict, set)):
                return BoundMethod(receiver, name)
            if name in builtins.PURE_METHODS.get(type(receiver), ()):
                return BoundMethod(receiver, name)
            if isinstance(receiver, tuple) and name == "as_list":
                return BoundMethod(receiver, name)
            return Unknown(f".{name} of a {type(receiver).__name__}")
        return Unknown(f".{name}")

    def eval_Subscript(self, node: cst.Subscript, scope: Scope) -> Any:
        container = self.eval(node.value, scope)
        key = self.eval_slice(node, scope)
        if isinstance(container, Tensor):
            return self.api.tensor_getitem(container, key, self.site(node))
        if isinstance(container, Array):
            return arrays.getitem(container, key)
        if isinstance(container, (Layer, Model)):
            return Unknown("subscript of a layer")
        if is_unknown(container) or contains_unknown(key):
            return Unknown("subscript with an unknown value")
        if not isinstance(container, PLAIN):
            return Unknown("subscript of an object")
        try:
            return container[key]
        except (TypeError, IndexError, KeyError, ValueError):
            return Unknown("subscript failed")

    def eval_slice(self, node: cst.Subscript, scope: Scope) -> Any:
        keys = []
        for element in node.slice:
            item = element.slice
            if isinstance(item, cst.Index):
                keys.append(self.eval(item.value, scope))
            else:
                parts = [None if p is None else self.eval(p, scope) for p in (item.lower, item.upper, item.step)]
                if contains_unknown(parts):
                    keys.append(Unknown("slice bound"))
                else:
                    keys.append(slice(*parts))
        return keys[0] if len(keys) == 1 else tuple(keys)

    def eval_ListComp(self, node: cst.ListComp, scope: Scope) -> Any:
        return self.comprehension(node, scope, lambda s: self.eval(node.elt, s), list)

    def eval_SetComp(self, node: cst.SetComp, scope: Scope) -> Any:
        return self.comprehension(node, scope, lambda s: self.eval(node.elt, s), set)

    def eval_GeneratorExp(self, node: cst.GeneratorExp, scope: Scope) -> Any:
        return self.comprehension(node, scope, lambda s: self.eval(node.elt, s), list)

    def eval_DictComp(self, node: cst.DictComp, scope: Scope) -> Any:
        return self.comprehension(
            node, scope, lambda s: (self.eval(node.key, s), self.eval(node.value, s)), dict
        )

    def comprehension(self, node: Any, scope: Scope, element, kind: type) -> Any:
        inner = Scope(scope)
        out: list = []
        try:
            self._comp_level(node.for_in, inner, element, out)
        except _Unknowable:
            return Unknown("comprehension over unknown values")
        try:
            return kind(out)
        except TypeError:
            return Unknown("comprehension")

    def _comp_level(self, comp: cst.CompFor, scope: Scope, element, out: list) -> None:
        items = self.iterate(self.eval(comp.iter, scope), comp)
        if items is None:
            raise _Unknowable()
        for count, item in enumerate(items):
            self.tick(comp)
            if count >= self.limits.max_iterations:
                raise AnalysisLimit("a comprehension ran too long", comp)
            self.assign(comp.target, item, scope)
            keep = True
            for condition in comp.ifs:
                cond = truth(self.eval(condition.test, scope))
                if is_unknown(cond):
                    raise _Unknowable()
                keep = keep and cond
            if not keep:
                continue
            if comp.inner_for_in is not None:
                self._comp_level(comp.inner_for_in, scope, element, out)
            else:
                out.append(element(scope))

    def eval_Await(self, node: cst.Await, scope: Scope) -> Any:
        return Unknown("await")

    def eval_Yield(self, node: cst.Yield, scope: Scope) -> Any:
        return Unknown("yield")

    # ------------------------------------------------------------------ calls
    def eval_Call(self, node: cst.Call, scope: Scope) -> Any:
        func = self.eval(node.func, scope)
        args: list[Any] = []
        kwargs: dict[str, Any] = {}
        for arg in node.args:
            value = self.eval(arg.value, scope)
            if arg.star == "*":
                items = self.iterate(value, arg)
                if items is None:
                    args.append(Unknown("*args of unknown length"))
                    kwargs["__unknown_args__"] = True
                else:
                    args.extend(items)
            elif arg.star == "**":
                if isinstance(value, dict) and all(isinstance(k, str) for k in value):
                    kwargs.update(value)
                else:
                    kwargs["__unknown_args__"] = True
            elif arg.keyword is not None:
                kwargs[arg.keyword.value] = value
            else:
                args.append(value)
        return self.call_value(func, args, kwargs, node)

    def call_value(self, func: Any, args: list[Any], kwargs: dict[str, Any], node: cst.CSTNode) -> Any:
        self.tick(node)
        node = self.site(node)
        if isinstance(func, Function):
            return self.call_function(func, args, kwargs, node=node)
        if isinstance(func, Builtin):
            return func.impl(args, kwargs)
        if isinstance(func, BoundMethod):
            return self.call_method(func, args, kwargs, node)
        if isinstance(func, KerasMethod):
            return self.api.call_method(func, func.name, args, kwargs, node)
        if isinstance(func, Class):
            return self.instantiate(func, args, kwargs, node)
        if isinstance(func, Ref):
            if func.is_keras:
                return self.api.call_ref(func, args, kwargs, node)
            if func.path.startswith("numpy."):
                result = arrays.call_numpy(func.path[len("numpy."):], args, kwargs)
                if result is arrays.NOT_ARRAY:
                    result = arrays.create(func.path[len("numpy."):], args, kwargs)
                if result is not arrays.NOT_ARRAY:
                    return result
            if func.path.startswith("tensorflow."):
                result = arrays.create(func.path[len("tensorflow."):], args, kwargs, tensor=True)
                if result is not arrays.NOT_ARRAY:
                    return result
                twin = tf_ops.equivalent(func.path)
                if twin is not None and self.api.scratch:  # in a traced call(): backend tensors
                    return self.api.call_op(twin, *tf_ops.arguments(args, kwargs), node)
                if not self.api.scratch and tf_ops.on_keras_tensor([*args, *kwargs.values()]):
                    self.api.facts.tf_on_keras_tensors.append((node, func.path))
                    return Tensor(Unknown("Keras 3 rejects a TensorFlow function on a Keras tensor"))
            if func.path in builtins.PURE:
                return builtins.call_pure(func.path, args, kwargs)
            return self.api.call_foreign(func.last, args, kwargs, node)
        if isinstance(func, Layer):
            return self.api.call_layer(func, args, kwargs, node)
        if isinstance(func, Model):
            return self.api.call_model(func, args, kwargs, node)
        if isinstance(func, Foreign) or is_unknown(func):
            label = func.label if isinstance(func, Foreign) else ""
            return self.api.call_foreign(label, args, kwargs, node)
        return Unknown("call of a value that is not callable")

    def call_method(self, method: BoundMethod, args: list, kwargs: dict, node: cst.CSTNode) -> Any:
        receiver, function = method.receiver, method.function
        if isinstance(function, Function):
            return self.call_function(function, [receiver, *args], kwargs, node=node)
        if isinstance(receiver, (list, dict, set)) and function in builtins.MUTATING_METHODS:
            if self.uncertain or id(receiver) in self.tainted:
                self.taint(receiver)
                return Unknown("mutation under an unknown condition")
            result = builtins.call_method(receiver, function, args, kwargs)
            if is_unknown(result):
                self.taint(receiver)
            return result
        if isinstance(receiver, tuple) and function == "as_list":
            return list(receiver)
        if isinstance(receiver, PLAIN):
            return builtins.call_method(receiver, function, args, kwargs)
        return self.api.call_method(receiver, function, args, kwargs, node)

    def call_function(
        self,
        function: Function,
        args: list,
        kwargs: dict,
        node: cst.CSTNode | None = None,
        default_unknown: bool = False,
    ) -> Any:
        self.called.add(id(function))
        if self.depth >= self.limits.max_depth:
            raise AnalysisLimit(f"calls nested deeper than {self.limits.max_depth}", self.site(node or function.node))
        scope = Scope(function.closure)
        self.bind_parameters(function, args, kwargs, scope, default_unknown)
        if function.is_method and args:
            scope.vars["__self__"], scope.vars["__class__"] = args[0], function.owner  # for super()
        self.depth += 1
        self.call_stack.append((function.name, node))
        outer = self.anchor  # code of another module stands for itself by the call that reached it
        self.anchor = None if function.module is self.main else outer if outer is not None else node
        try:
            if isinstance(function.node, cst.Lambda):
                return self.eval(function.node.body, scope)
            try:
                self.exec_block(function.node.body, scope)
            except _Return as ret:
                value = ret.value
            except _Raise:
                return Unknown(f"{function.name}() raised")
            else:
                value = None
            if "__maybe_returned__" in scope.vars:
                return join(value, scope.vars["__maybe_returned__"])
            return value
        except AnalysisLimit as exc:
            if outer is None and self.anchor is not None:
                exc.node = self.anchor
            raise
        finally:
            self.depth -= 1
            self.call_stack.pop()
            self.anchor = outer

    def bind_parameters(self, function: Function, args: list, kwargs: dict, scope: Scope, default_unknown: bool) -> None:
        params = function.node.params
        positional = [*params.posonly_params, *params.params]
        unknown_extra = kwargs.pop("__unknown_args__", False)
        args = list(args)
        for param in positional:
            name = param.name.value
            if args:
                scope.vars[name] = args.pop(0)
            elif name in kwargs:
                scope.vars[name] = kwargs.pop(name)
            elif unknown_extra:
                scope.vars[name] = Unknown(f"parameter '{name}'")
            elif name in function.defaults:
                scope.vars[name] = function.defaults[name]
            else:
                scope.vars[name] = Unknown(f"parameter '{name}' has no default")
        star = params.star_arg
        if isinstance(star, cst.Param):
            scope.vars[star.name.value] = tuple(args) if not unknown_extra else Unknown("*args")
        for param in params.kwonly_params:
            name = param.name.value
            if name in kwargs:
                scope.vars[name] = kwargs.pop(name)
            elif unknown_extra:
                scope.vars[name] = Unknown(f"parameter '{name}'")
            else:
                scope.vars[name] = function.defaults.get(name, Unknown(f"parameter '{name}' has no default"))
        if params.star_kwarg is not None:
            scope.vars[params.star_kwarg.name.value] = dict(kwargs) if not unknown_extra else Unknown("**kwargs")
        if self.input_shapes is not None:
            names = [p.name.value for p in (*positional, *params.kwonly_params)]
            self.input_shapes.bind(function.name, names, scope.vars)

    def instantiate(self, cls: Class, args: list, kwargs: dict, node: cst.CSTNode) -> Any:
        keras_base = cls.keras_base()
        if keras_base is not None:
            return self.api.instantiate_subclass(cls, keras_base, args, kwargs, node)
        instance = Instance(cls)
        init = cls.lookup("__init__")
        if isinstance(init, Function):
            self.call_function(init, [instance, *args], kwargs, node=node)
        return instance

    # --------------------------------------------------- engine-level builtins
    @property
    def engine_builtins(self) -> dict[str, Any]:
        return {
            "isinstance": self._isinstance,
            "getattr": self._getattr,
            "hasattr": lambda args, kwargs: Unknown("hasattr"),
            "map": self._map,
            "sorted": self._sorted,
            "type": lambda args, kwargs: Unknown("type()"),
            "iter": lambda args, kwargs: args[0] if args and isinstance(args[0], (list, tuple)) else Unknown("iter"),
            "next": lambda args, kwargs: Unknown("next()"),
            "open": lambda args, kwargs: Unknown("open()"),
            "input": lambda args, kwargs: Unknown("input()"),
            "exec": lambda args, kwargs: Unknown("exec()"),
            "eval": lambda args, kwargs: Unknown("eval()"),
        }

    def super_of(self, scope: Scope, args: list) -> Any:
        """``super()`` in a method, or Python 2's ``super(Class, self)``: the
        receiver's classes after ``Class`` in its MRO."""
        if len(args) == 2:
            owner, receiver = args
        elif not args:
            receiver, owner = self.lookup("__self__", scope, self.module), self.lookup("__class__", scope, self.module)
        else:
            return Unknown("super() with one argument")
        if isinstance(receiver, Model) and receiver.owner is not None:
            receiver = receiver.owner
        if not isinstance(receiver, Instance) or not isinstance(owner, Class) or owner not in receiver.cls.mro():
            return Unknown("super()")
        return Super(receiver, owner)

    def super_attribute(self, found: Super, name: str) -> Any:
        """``super().name``: from the classes after the method's own in the receiver's MRO."""
        order = found.receiver.cls.mro()
        after = order[order.index(found.owner) + 1 :] if found.owner in order else []
        for cls in after:
            if isinstance(cls, Class):
                if name in cls.namespace:
                    value = cls.namespace[name]
                    return BoundMethod(found.receiver, value) if isinstance(value, Function) else value
            elif isinstance(cls, Ref) and cls.is_keras:
                return self.api.super_attribute(found.receiver, name)
            else:
                break
        return Unknown(f"super().{name}")

    def _isinstance(self, args: list, kwargs: dict) -> Any:
        if len(args) != 2 or is_unknown(args[0]):
            return Unknown("isinstance")
        value, kinds = args
        kinds = kinds if isinstance(kinds, tuple) else (kinds,)
        names = []
        for kind in kinds:
            if isinstance(kind, Builtin) and kind.name in ("int", "float", "str", "list", "tuple", "dict", "bool", "set"):
                names.append(kind.name)
            else:
                return Unknown("isinstance of a class")
        table = {"int": int, "float": float, "str": str, "list": list, "tuple": tuple, "dict": dict, "bool": bool, "set": set}
        if not isinstance(value, PLAIN):
            return False
        return isinstance(value, tuple(table[n] for n in names))

    def _getattr(self, args: list, kwargs: dict) -> Any:
        if len(args) >= 2 and isinstance(args[1], str):
            value = self.get_attribute(args[0], args[1], self.module)
            if is_unknown(value) and len(args) == 3:
                return Unknown("getattr with a default")
            return value
        return Unknown("getattr")

    def _map(self, args: list, kwargs: dict) -> Any:
        if len(args) < 2:
            return Unknown("map")
        iterables = [self.iterate(a, self.module) for a in args[1:]]
        if any(i is None for i in iterables):
            return Unknown("map over unknown values")
        return [self.call_value(args[0], list(items), {}, self.module) for items in zip(*iterables)]

    def _sorted(self, args: list, kwargs: dict) -> Any:
        if not args or kwargs.get("key") is not None:
            return Unknown("sorted with a key")
        return builtins.call_pure("list", [sorted(args[0], reverse=bool(kwargs.get("reverse")))], {}) if not contains_unknown(args[0]) and isinstance(args[0], (list, tuple, set, range, dict)) else Unknown("sorted")


def called_by_name(module: cst.Module) -> set[str]:
    """Names of the top-level functions that code of the module calls, outside
    their own bodies: helpers, reached through their callers."""
    defined = {s.name.value for s in module.body if isinstance(s, cst.FunctionDef)}
    called: set[str] = set()
    for statement in module.body:
        own = statement.name.value if isinstance(statement, cst.FunctionDef) else None
        for node in _walk(statement):
            if isinstance(node, cst.Call) and isinstance(node.func, cst.Name):
                name = node.func.value
                if name in defined and name != own:
                    called.add(name)
    return called


_FIELDS: dict[type, tuple[str, ...]] = {}


def _walk(node: cst.CSTNode) -> Iterator[cst.CSTNode]:
    """Every node under ``node`` (a few times faster than a libcst visitor)."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        names = _FIELDS.get(type(current))
        if names is None:
            names = _FIELDS[type(current)] = tuple(f.name for f in dataclasses.fields(current))
        for name in names:
            value = getattr(current, name)
            if isinstance(value, cst.CSTNode):
                stack.append(value)
            elif isinstance(value, (list, tuple)):
                stack.extend(item for item in value if isinstance(item, cst.CSTNode))


class _Unknowable(Exception):
    """A comprehension iterates over unknown values."""


BUILTIN_NAMES: dict[str, Any] = {"NotImplemented": Opaque("NotImplemented")}


def _dotted(node: cst.BaseExpression) -> str:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return f"{_dotted(node.value)}.{node.attr.value}"
    return ""


#: a %-conversion with a width or precision of four digits or more, or given by ``*``
_WIDE_CONVERSION = re.compile(r"%[^%a-zA-Z]*(\d{4}|\*)")


def _percent_format(text: str, values: Any) -> Any:
    """``text % values`` on plain data (``"conv_pad_%d" % block_id``), or Unknown."""
    items = values.values() if isinstance(values, dict) else [values]
    if not all(_formattable(v) for v in items) or _WIDE_CONVERSION.search(text):
        return Unknown("%-formatting of an unknown value")
    try:
        return text % values
    except (TypeError, ValueError, KeyError, OverflowError) as exc:
        return Unknown(f"%-formatting failed: {exc}")


def _formattable(value: Any) -> bool:
    """Plain data whose text Python determines (no objects, nothing unknown)."""
    if isinstance(value, (tuple, list)):
        return all(_formattable(v) for v in value)
    return isinstance(value, (str, int, float, bool, type(None)))


def _has_unknown_items(value: Any) -> bool:
    return any(is_unknown(v) for v in value)


def _comparable(left: Any, right: Any) -> bool:
    return isinstance(left, PLAIN) and isinstance(right, PLAIN) or left is None or right is None or (
        not isinstance(left, PLAIN) and not isinstance(right, PLAIN)
    )


def _repeat_size(left: Any, right: Any) -> int:
    for seq, count in ((left, right), (right, left)):
        if isinstance(seq, (str, list, tuple, bytes)) and isinstance(count, int):
            return len(seq) * count
    return 0


def _assigned_names(body: cst.CSTNode) -> set[str]:
    """Names assigned anywhere in a block (for forgetting them after an unknown loop)."""
    names: set[str] = set()

    class Collector(cst.CSTVisitor):
        def visit_AssignTarget(self, node: cst.AssignTarget) -> None:
            _collect_targets(node.target, names)

        def visit_AugAssign(self, node: cst.AugAssign) -> None:
            _collect_targets(node.target, names)

        def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
            _collect_targets(node.target, names)

        def visit_For(self, node: cst.For) -> None:
            _collect_targets(node.target, names)

        def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
            return False

    body.visit(Collector())
    return names


def _collect_targets(target: cst.BaseExpression, names: set[str]) -> None:
    if isinstance(target, cst.Name):
        names.add(target.value)
    elif isinstance(target, (cst.Tuple, cst.List)):
        for element in target.elements:
            _collect_targets(element.value, names)
    elif isinstance(target, cst.StarredElement):
        _collect_targets(target.value, names)
