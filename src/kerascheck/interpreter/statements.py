"""Statements: running a block as Python would, on abstract values.

Statements run in order, every form libcst has (one-line suites such as
``if c: x = f(x)`` included).  A condition that is unknown runs both branches
on copies of the local variables and keeps only what both agree on
(``fork``); a loop over unknown values runs its body once, uncertainly, then
forgets what it assigns.  An ``except`` handler may or may not run.  A
statement the interpreter does not model (``match``, or a form newer than
this code) runs each block it holds uncertainly and leaves every name it may
bind unknown: it is never skipped.  Imports bind the project's modules
(``modules``) or library names (``Ref``); assignments bind variables,
attributes and items.
"""

from __future__ import annotations

from functools import partial
from typing import Any, Callable

import libcst as cst

from kerascheck.interpreter.library import NOT_HANDLED
from kerascheck.interpreter.limits import AnalysisLimit, Break, Continue, Raise, Return, UncertainExit
from kerascheck.interpreter.modules import ModuleState
from kerascheck.interpreter.operators import AUGOPS
from kerascheck.interpreter.generators import Generators
from kerascheck.interpreter.semantics import outermost
from kerascheck.interpreter.snippets import Unbound, unbound_names
from kerascheck.interpreter.values import LAZY, MISSING, Arguments, BoundMethod, Class, Foreign, Function, Instance, Ref, Scope
from kerascheck.unknown import Unknown, is_unknown


class Statements(Generators):
    """The statement part of the interpreter."""

    unbound: Unbound | None = None  # what the analysed file reads but never binds (found when first needed)
    guarded = 0  # how many try bodies and with blocks the running code is in (they may catch what it raises)

    def exec_block(self, body: Any, scope: Scope) -> None:
        kind = type(body)
        if kind is cst.SimpleStatementSuite:  # ``if c: a; b`` on one line
            self.exec_stmt(body, scope)
            return
        statements = body.body if kind is cst.IndentedBlock else body  # (the other suite)
        if type(statements) not in (list, tuple) and isinstance(statements, cst.BaseSmallStatement):
            statements = [statements]
        for statement in statements:
            self.exec_stmt(statement, scope)

    def exec_stmt(self, stmt: cst.CSTNode, scope: Scope) -> None:
        self.tick(stmt)
        if type(stmt) is cst.SimpleStatementLine or type(stmt) is cst.SimpleStatementSuite:
            for small in stmt.body:
                self.exec_small(small, scope)
            return
        method = COMPOUND.get(type(stmt))
        if method is not None:
            getattr(self, method)(stmt, scope)
        else:
            self.exec_unmodelled(stmt, scope)

    def exec_unmodelled(self, stmt: cst.CSTNode, scope: Scope) -> None:
        """A statement the interpreter does not model (``match``...): each block it
        holds may run or not, so it runs uncertainly, and every name the statement
        may bind is unknown after it."""
        for block in outermost(stmt, cst.BaseSuite):  # its own blocks, not those of statements inside them
            try:
                self.fork(scope, stmt, partial(self._block_once, block, scope), lambda: None)
            except UncertainExit:
                pass
        self.forget(stmt, scope, f"assigned in a {type(stmt).__name__} statement kerascheck does not interpret")

    def _block_once(self, block: cst.BaseSuite, scope: Scope) -> None:
        try:
            self.exec_block(block, scope)
        except (Break, Continue):
            raise UncertainExit() from None

    def exec_with(self, stmt: cst.With, scope: Scope) -> None:
        for item in stmt.items:
            value = self.eval(item.item, scope)
            if item.asname is not None:
                self.assign(item.asname.name, Unknown("context manager value") if value is not None else None, scope)
        self.guarded += 1  # a context manager may swallow what the body raises
        try:
            self.exec_block(stmt.body, scope)
        finally:
            self.guarded -= 1

    def exec_small(self, small: cst.BaseSmallStatement, scope: Scope) -> None:
        # (``type(...) is``: libcst's statement classes have no subclasses, and isinstance against them is slow)
        if type(small) is cst.Expr:
            self.eval(small.value, scope)
        elif type(small) is cst.Assign:
            value = self.eval(small.value, scope)
            for target in small.targets:
                self.assign(target.target, value, scope)
        elif type(small) is cst.AnnAssign:
            if small.value is not None:
                self.assign(small.target, self.eval(small.value, scope), scope)
        elif type(small) is cst.AugAssign:
            current = self.eval(small.target, scope)
            value = self.eval(small.value, scope)
            library = self.libraries.owner(current)
            changed = library.augmented(current) if library is not None else NOT_HANDLED
            if changed is not NOT_HANDLED:  # the library changes the value itself (NumPy)
                self.assign(small.target, changed, scope)
                return
            op = AUGOPS[type(small.operator)]
            method = IN_PLACE.get((type(current), op))
            if method is not None:  # ``pairs += [[a, b]]`` extends the list itself, as Python does
                self.call_value(BoundMethod(current, method), Arguments([value]), small)
                self.assign(small.target, current, scope)
                return
            self.assign(small.target, self.binary(op, current, value, small), scope)
        elif type(small) is cst.Return:
            raise Return(None if small.value is None else self.eval(small.value, scope))
        elif type(small) is cst.Break:
            raise Break()
        elif type(small) is cst.Continue:
            raise Continue()
        elif type(small) is cst.Raise:
            raise Raise()
        elif type(small) is cst.Import or type(small) is cst.LazyImport:
            for alias in small.names:
                dotted = dotted_name(alias.name)
                module = self.importer.load(dotted, small)
                if alias.asname is not None:
                    self.assign(alias.asname.name, module or Ref(self.libraries.canonical(dotted)), scope)
                else:
                    name = dotted.split(".")[0]
                    self.bind(name, self.importer.load(name, small) or Ref(self.libraries.canonical(name)), scope)
        elif type(small) in (cst.ImportFrom, cst.LazyImportFrom):
            self.exec_import_from(small, scope)  # type: ignore[arg-type]  # the same fields
        elif type(small) is cst.Global:
            scope.globals_.update(n.name.value for n in small.names)
        elif type(small) is cst.Nonlocal:
            scope.nonlocals.update(n.name.value for n in small.names)
        elif type(small) is cst.Del:
            self.delete(small.target, scope)
        elif type(small) is cst.Assert:
            if self.truth(self.eval(small.test, scope)) is False:
                raise Raise()
        elif type(small) is not cst.Pass:  # ``type X = ...`` and forms newer than this code
            self.forget(small, scope, f"assigned in a {type(small).__name__} statement kerascheck does not interpret")

    def delete(self, target: cst.BaseExpression, scope: Scope) -> None:
        """``del target``: a name is unbound, an item or attribute removed."""
        if isinstance(target, cst.Name):
            if scope.parent is None:
                self.record(scope, target.value)
            scope.vars.pop(target.value, None)
        elif isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                self.delete(element.value, scope)
        elif isinstance(target, cst.Attribute):
            receiver = self.eval(target.value, scope)
            if isinstance(receiver, Instance):
                self.record(receiver.attrs, target.attr.value)
                receiver.attrs[target.attr.value] = Unknown(f"{target.attr.value} was deleted")
        elif isinstance(target, cst.Subscript):
            container = self.eval(target.value, scope)
            key = self.eval_slice(target, scope)
            library = self.libraries.owner(container)
            if library is not None:
                library.set_item(container, key, Unknown("a deleted item"))
            elif isinstance(container, (list, dict)):
                self.record(container)
                if self.changes_uncertainly(container) or is_unknown(key) or id(container) in self.tainted:
                    self.taint(container)
                    return
                try:
                    del container[key]
                except (TypeError, IndexError, KeyError):
                    self.taint(container)

    def names_assigned(self, node: cst.CSTNode) -> frozenset[str]:
        """``assigned_names(node)``, walked once per node and analysis."""
        found = self.assigned.get(node)
        if found is None:
            found = self.assigned[node] = frozenset(bound_names(node) if isinstance(node, cst.BaseStatement) else assigned_names(node))
        return found

    def forget(self, node: cst.CSTNode, scope: Scope, reason: str) -> None:
        """Every name ``node`` may bind is unknown after it."""
        for name in self.names_assigned(node):
            self.escape(scope.vars.get(name))
            self.bind(name, Unknown(reason), scope)

    def exec_import_from(self, stmt: cst.ImportFrom, scope: Scope) -> None:
        importer = scope.module or self.main
        dotted = self.importer.absolute(importer, len(stmt.relative), dotted_name(stmt.module) if stmt.module else "")
        module = self.importer.load(dotted, stmt) if dotted else None
        # a relative import the project does not resolve: its names are unknown
        base = self.libraries.canonical(dotted) if dotted and not stmt.relative else None
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
            name = dotted_name(alias.name)
            bound = alias.evaluated_alias or name
            if module is not None:
                value = self.importer.attribute(module, name, stmt)
            else:
                value = (dotted and self.importer.load(f"{dotted}.{name}", stmt)) or MISSING
            if value is MISSING:  # a library's name (or one the project does not define)
                value = Ref(self.libraries.canonical(f"{base}.{name}")) if base else Foreign(name)
            self.bind(bound, value, scope)

    # ------------------------------------------------------------ conditions
    def exec_if(self, stmt: cst.If, scope: Scope) -> None:
        cond = self.truth(self.eval(stmt.test, scope))
        orelse = stmt.orelse
        if not is_unknown(cond):
            if cond:
                self.exec_block(stmt.body, scope)
            elif type(orelse) is cst.If:
                self.exec_if(orelse, scope)
            elif orelse is not None:
                self.exec_block(orelse.body, scope)
            return

        def run_else() -> None:
            if type(orelse) is cst.If:
                self.exec_if(orelse, scope)
            elif orelse is not None:
                self.exec_block(orelse.body, scope)

        self.fork(scope, stmt, lambda: self.exec_block(stmt.body, scope), run_else, stmt.orelse)

    def fork(
        self,
        scope: Scope,
        node: cst.CSTNode,
        first: Callable[[], None],
        second: Callable[[], None],
        second_node: cst.CSTNode | None = None,
    ) -> None:
        """Run two alternatives on copies of the local variables and join them;
        ``node`` and ``second_node`` are the statements that say when each runs."""
        before = dict(scope.vars)
        maybe_before = scope.maybe_returned
        left_loop = False
        self.uncertain += 1
        outer_node = self.uncertain_node
        outer_region = self.region
        results: list[tuple[dict[str, Any], Any, Any]] = []
        dead: list[int] = []  # the branches that raise where nothing may catch it: the program ends there
        try:
            for branch, branch_node in ((first, node), (second, second_node or node)):
                scope.vars, scope.maybe_returned = dict(before), maybe_before
                self.region = object()
                self.uncertain_node = outer_node or branch_node
                returned: Any = MISSING  # or what the branch returned
                try:
                    branch()
                except Return as ret:
                    returned = ret.value
                except (Break, Continue, UncertainExit):
                    left_loop = True
                except Raise:
                    if not self.guarded:
                        dead.append(len(results))
                    returned = Unknown("a raise under an unknown condition")
                results.append((scope.vars, scope.maybe_returned, returned))
        finally:
            self.uncertain -= 1
            self.uncertain_node = outer_node
            self.region = outer_region
        if len(dead) == 2:
            raise Raise()
        if dead:  # code after the statement runs only when the other branch ran
            scope.vars, scope.maybe_returned, returned = results[1 - dead[0]]
            if returned is not MISSING:
                raise Return(returned)
            if left_loop:
                raise UncertainExit()
            return
        (vars_a, maybe_a, ret_a), (vars_b, maybe_b, ret_b) = results
        merged = {}
        for key in dict.fromkeys([*vars_a, *vars_b]):  # in order (entry points run in it)
            merged[key] = self.join(vars_a.get(key, MISSING), vars_b.get(key, MISSING))
        scope.vars = merged
        # what either branch may have returned already
        scope.maybe_returned = self.either(maybe_a, maybe_b)
        if left_loop:
            raise UncertainExit()
        if ret_a is not MISSING and ret_b is not MISSING:
            raise Return(self.join(ret_a, ret_b))
        # only one branch returned: the function's result is that or what it returns later
        scope.maybe_returned = self.either(scope.maybe_returned, ret_a if ret_a is not MISSING else ret_b)

    def either(self, a: Any, b: Any) -> Any:
        """What a function may have returned, from two ways (MISSING: not returned)."""
        return b if a is MISSING else a if b is MISSING else self.join(a, b)

    # ----------------------------------------------------------------- loops
    def exec_loop(self, stmt: cst.For | cst.While, scope: Scope) -> None:
        """A loop, on a step budget of its own within the statement's: a data loop
        that runs too long is not followed to the end (what it changed is unknown)
        and the code after it still runs."""
        if self.in_summary():  # what a generator's body may do: each loop may run, or not
            if isinstance(stmt, cst.For):
                self.eval(stmt.iter, scope)
            self.run_unknown_loop(stmt, scope)
            return
        run = partial(self.exec_for, stmt, scope) if isinstance(stmt, cst.For) else partial(self.exec_while, stmt, scope)
        self.budgeted(stmt, run, scope, loop=True)

    def budgeted(self, node: Any, step: Callable[[], None], scope: Scope | None = None, loop: bool = False) -> None:
        raise NotImplementedError  # engine.Interpreter

    def exec_for(self, stmt: cst.For, scope: Scope) -> None:
        iterable = self.eval(stmt.iter, scope)
        if isinstance(iterable, LAZY):
            self.for_lazy(stmt, scope, iterable)
            return
        items = self.iterate(iterable, stmt)
        if items is None:
            self.run_unknown_loop(stmt, scope, iterable.within if is_unknown(iterable) else ())
            return
        broke = False
        for count, item in enumerate(items):
            if count >= self.limits.max_iterations:
                self.loop_budget_spent(stmt, scope)
                return
            self.assign(stmt.target, item, scope)
            try:
                self.exec_block(stmt.body, scope)
            except Break:
                broke = True
                break
            except Continue:
                continue
            except UncertainExit:
                self.forget_loop(stmt, scope)
                return
        if not broke and stmt.orelse is not None:
            self.exec_block(stmt.orelse.body, scope)

    def for_lazy(self, stmt: cst.For, scope: Scope, lazy: Any) -> None:
        """A ``for`` loop over a generator: its body runs at each item the
        generator yields, as they are yielded; from an item kerascheck cannot
        follow on, it is a loop over unknown values."""
        count = 0
        ended = ""  # how the loop's own body ended it: "break", "uncertain" or "long"

        def each(item: Any) -> bool:
            nonlocal count, ended
            if count >= self.limits.max_iterations:
                ended = "long"
                return False
            count += 1
            self.assign(stmt.target, item, scope)
            try:
                self.exec_block(stmt.body, scope)
            except Break:
                ended = "break"
            except Continue:
                pass
            except UncertainExit:
                ended = "uncertain"
            return not ended

        outcome = self.drive(lazy, each, stmt)
        if ended == "long":
            self.loop_budget_spent(stmt, scope)
        elif ended == "uncertain":
            self.forget_loop(stmt, scope)
        elif outcome == "lost":
            self.run_unknown_loop(stmt, scope)
        elif not ended and stmt.orelse is not None:  # the items ended (the body, or zip's or islice's)
            self.exec_block(stmt.orelse.body, scope)

    def exec_while(self, stmt: cst.While, scope: Scope) -> None:
        count = 0
        while True:
            cond = self.truth(self.eval(stmt.test, scope))
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
            except Break:
                return
            except Continue:
                continue
            except UncertainExit:
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
        for name in self.names_assigned(stmt.body):
            self.escape(scope.vars.get(name))
            scope.vars[name] = Unknown("assigned in a loop kerascheck cannot follow")

    def run_unknown_loop(self, stmt: cst.For | cst.While, scope: Scope, among: tuple[Any, ...] = ()) -> None:
        """A loop over unknown values: run its body once, uncertainly, then forget.
        ``among``: the values the loop variable may take (some items of a known list)."""
        if isinstance(stmt, cst.For):
            self.assign(stmt.target, Unknown("loop variable over unknown values", among=among), scope)
        try:
            self.fork(scope, stmt, lambda: self._loop_body_once(stmt, scope), lambda: None)
        except UncertainExit:
            pass
        self.forget_loop(stmt, scope)

    def _loop_body_once(self, stmt: cst.For | cst.While, scope: Scope) -> None:
        try:
            self.exec_block(stmt.body, scope)
        except (Break, Continue, UncertainExit):
            pass

    def exec_try(self, stmt: cst.Try | cst.TryStar, scope: Scope) -> None:
        """The body, then each handler that may run (whether one does is not known,
        unless the body raised); a handler that ends by raising again leaves nothing
        behind for the code after the statement."""
        try:
            self.guarded += 1
            try:
                self.exec_block(stmt.body, scope)
            except Raise:
                raised = True
            else:
                raised = False
            finally:
                self.guarded -= 1
            if not raised and stmt.orelse is not None:
                self.exec_block(stmt.orelse.body, scope)
            for handler in stmt.handlers:
                if not raised and ends_by_raising(handler.body):
                    continue
                self.fork(scope, handler, partial(self._handler, handler, scope), lambda: None)
        finally:
            if stmt.finalbody is not None:
                self.exec_block(stmt.finalbody.body, scope)

    def _handler(self, handler: cst.ExceptHandler | cst.ExceptStarHandler, scope: Scope) -> None:
        if handler.name is not None:
            self.assign(handler.name.name, Unknown("the exception caught"), scope)
        self.exec_block(handler.body, scope)

    # ------------------------------------------------------------ definitions
    def define_function(self, node: cst.FunctionDef, scope: Scope) -> None:
        defaults = {}
        params = node.params
        for param in (*params.posonly_params, *params.params, *params.kwonly_params):
            if param.default is not None:
                defaults[param.name.value] = self.eval(param.default, scope)
        closure = scope.parent if scope.is_class_body and scope.parent else scope
        function = Function(node.name.value, node, closure, defaults, scope.module or self.main, is_method=scope.is_class_body)
        for decorator in node.decorators:
            name = decorator.decorator.value if isinstance(decorator.decorator, cst.Name) else None
            if scope.is_class_body and name in BINDINGS and not is_bound(name, scope):
                function.binding = BINDINGS[name]
        self.bind(node.name.value, self.decorated(function, node, scope), scope)

    def define_class(self, node: cst.ClassDef, scope: Scope) -> None:
        bases = [self.eval(arg.value, scope) for arg in node.bases]
        # ``class A(object)``: Python's implicit base, not a class kerascheck lacks
        bases = [b for b, arg in zip(bases, node.bases) if not (is_unknown(b) and dotted_name(arg.value) == "object")]
        body = Scope(scope, is_class_body=True)
        cls = Class(node.name.value, node, bases, body.vars)
        self.exec_block(node.body, body)
        for value in body.vars.values():
            if isinstance(value, Function) and value.owner is None:
                value.owner = cls
        self.bind(node.name.value, self.decorated(cls, node, scope), scope)

    def decorated(self, value: Any, node: cst.FunctionDef | cst.ClassDef, scope: Scope) -> Any:
        """What a ``def`` or ``class`` binds: ``value`` through its decorators, innermost
        first.  Only decorators defined in the analysed code are applied (a registry's
        ``@register(...)``); others (keras_export, staticmethod, functools.wraps,
        register_keras_serializable...) are assumed to return what they are given."""
        for decorator in reversed(node.decorators):
            deco = self.eval(decorator.decorator, scope)
            if isinstance(deco, Function):
                value = self.call_value(deco, Arguments([value]), decorator)
        return value

    # ------------------------------------------------------------- variables
    def bind(self, name: str, value: Any, scope: Scope) -> None:
        if name in scope.globals_:
            scope = (scope.module or self.main).globals
        elif name in scope.nonlocals:
            outer = scope.parent
            while outer is not None and name not in outer.vars:
                outer = outer.parent
            if outer is not None:
                self.record(outer, name)
                outer.vars[name] = value
                return
        if scope.parent is None:  # a module's variable outlives the statement
            self.record(scope, name)
        scope.vars[name] = value

    def lookup(self, name: str, scope: Scope, node: cst.CSTNode) -> Any:
        current: Scope | None = scope
        while current is not None:
            # Class bodies are visible to their own statements, not to methods.
            if name in current.vars and (current is scope or not current.is_class_body):
                return current.vars[name]
            current = current.parent
        found = self.builtin(name, scope)
        if found is not MISSING:
            return found
        module = scope.module or self.main
        for star in reversed(module.star_imports):  # the last one binds it
            candidate = Ref(self.libraries.canonical(f"{star.path}.{name}"))
            library = self.libraries.for_ref(candidate)
            if library is not None and library.provides(candidate):
                return candidate
        if module is self.main and not any(self.libraries.for_ref(star) is None for star in module.star_imports):
            implicit = self.implicit(name, node)
            if implicit is not None:
                return implicit
        return Unknown(f"'{name}' is not defined in this file")

    def implicit(self, name: str, node: cst.CSTNode) -> Any:
        """What the analysed file means by ``name`` when it binds it nowhere (a
        snippet), as a library says; a model it adds layers to is bound, once."""
        if self.unbound is None:
            self.unbound = unbound_names(self.module)
        if name not in self.unbound.names:
            return None
        receiver = name in self.unbound.receivers
        for library in self.libraries.all:
            value = library.implicit(name, self.site(node), receiver)
            if value is not None:
                if receiver:
                    self.bind(name, value, self.globals)
                return value
        return None

    def assign(self, target: cst.BaseExpression, value: Any, scope: Scope) -> None:
        if type(target) is cst.Name:
            self.bind(target.value, value, scope)
        elif type(target) is cst.Tuple or type(target) is cst.List:
            self.unpack(target, value, scope)
        elif isinstance(target, cst.Attribute):
            receiver = self.eval(target.value, scope)
            if is_unknown(receiver) and receiver.among:
                with self.maybe(target):  # one of several known values: each may be the one changed
                    for candidate in receiver.among:
                        self.set_attribute(candidate, target.attr.value, value)
            else:
                self.set_attribute(receiver, target.attr.value, value)
        elif isinstance(target, cst.Subscript):
            container = self.eval(target.value, scope)
            key = self.eval_slice(target, scope)
            library = self.libraries.owner(container)
            if library is not None:
                library.set_item(container, key, value)
            elif isinstance(container, (list, dict)) and not is_unknown(key):
                self.record(container)
                if self.changes_uncertainly(container):
                    self.taint(container)
                try:
                    container[key] = value
                except (TypeError, IndexError, KeyError):
                    self.taint(container)
            elif isinstance(container, (list, dict)):
                self.taint(container)

    def unpack(self, target: cst.Tuple | cst.List, value: Any, scope: Scope) -> None:
        elements = target.elements
        star = next((i for i, e in enumerate(elements) if type(e) is cst.StarredElement), None)
        items = self.iterate(value, target)
        items_list = list(items) if items is not None else None
        if items_list is None:
            for library in self.libraries.all:
                items_list = library.unpack(value, len(elements), star is not None)
                if items_list is not None:
                    break
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
            self.record(receiver.globals, name)
            receiver.globals.vars[name] = self.join(old, value) if self.uncertain else value
            return
        if isinstance(receiver, Instance):
            if receiver.native is not None:
                library = self.libraries.owner(receiver.native)
                if library is not None:
                    library.instance_assigned(receiver, name, value)
            if self.changes_uncertainly(receiver) and name in receiver.attrs:
                value = self.join(receiver.attrs[name], value)
            self.record(receiver.attrs, name)
            receiver.attrs[name] = value
            return
        if isinstance(receiver, Unknown) and receiver.among:
            self.escape(receiver)  # ``model.trainable = False`` on one of the values it may be
        library = self.libraries.owner(receiver)
        if library is not None:
            library.set_attribute(receiver, name, value, uncertain=self.changes_uncertainly(receiver))


#: the method that runs each kind of compound statement
COMPOUND: dict[type, str] = {
    cst.If: "exec_if",
    cst.For: "exec_loop",
    cst.While: "exec_loop",
    cst.FunctionDef: "define_function",
    cst.ClassDef: "define_class",
    cst.With: "exec_with",
    cst.Try: "exec_try",
    cst.TryStar: "exec_try",
}


def source_text(node: cst.CSTNode) -> str:
    """The code of ``node`` on one line (for messages and contexts)."""
    return " ".join(cst.Module([]).code_for_node(node).split())


def dotted_name(node: cst.BaseExpression) -> str:
    if type(node) is cst.Name:
        return node.value
    if type(node) is cst.Attribute:
        return f"{dotted_name(node.value)}.{node.attr.value}"
    return ""


#: augmented assignments that change a mutable value in place (Python's ``__iadd__``
#: and kin), as the method that does the same: linear in what is added, and seen
#: through every other name of the value
IN_PLACE: dict[tuple[type, type], str] = {
    (list, cst.Add): "extend",
    (dict, cst.BitOr): "update",
    (set, cst.BitOr): "update",
}


def bound_names(statement: cst.CSTNode) -> set[str]:
    """Names a statement may bind in its own scope: a definition's name, or what
    its blocks may assign."""
    if isinstance(statement, (cst.FunctionDef, cst.ClassDef)):
        return {statement.name.value}
    return assigned_names(statement)


def assigned_names(body: cst.CSTNode) -> set[str]:
    """Names a block may bind, in its own scope (for forgetting them after a loop
    or a statement whose run is not followed)."""
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

        def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
            _collect_targets(node.target, names)

        def visit_AsName(self, node: cst.AsName) -> None:  # import ... as, with ... as, except ... as
            _collect_targets(node.name, names)

        def visit_ImportAlias(self, node: cst.ImportAlias) -> None:
            if node.asname is None:
                names.add(dotted_name(node.name).split(".")[0])

        def visit_TypeAlias(self, node: cst.TypeAlias) -> None:
            names.add(node.name.value)

        def visit_MatchAs(self, node: cst.MatchAs) -> None:
            if node.name is not None:
                names.add(node.name.value)

        def visit_MatchStar(self, node: cst.MatchStar) -> None:
            if node.name is not None:
                names.add(node.name.value)

        def visit_MatchMapping(self, node: cst.MatchMapping) -> None:
            if node.rest is not None:
                names.add(node.rest.value)

        def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
            names.add(node.name.value)
            return False

        def visit_ClassDef(self, node: cst.ClassDef) -> bool:
            names.add(node.name.value)
            return False

        def visit_Lambda(self, node: cst.Lambda) -> bool:
            return False

        def visit_CompFor(self, node: cst.CompFor) -> bool:
            return False  # comprehension variables are the comprehension's own

    body.visit(Collector())
    return names


def ends_by_raising(block: cst.BaseSuite) -> bool:
    """Whether a block's last statement is a ``raise`` (it never completes)."""
    body = block.body
    last = body[-1] if body else None
    if isinstance(last, cst.SimpleStatementLine):
        last = last.body[-1] if last.body else None
    return isinstance(last, cst.Raise)


def _collect_targets(target: cst.BaseExpression, names: set[str]) -> None:
    if isinstance(target, cst.Name):
        names.add(target.value)
    elif isinstance(target, (cst.Tuple, cst.List)):
        for element in target.elements:
            _collect_targets(element.value, names)
    elif isinstance(target, cst.StarredElement):
        _collect_targets(target.value, names)


#: the decorators that change what a method is bound to (``Function.binding``)
BINDINGS = {"staticmethod": "static", "classmethod": "class"}


def is_bound(name: str, scope: Scope | None) -> bool:
    """Whether the source binds ``name`` in ``scope`` or a scope around it (it is not the built-in)."""
    while scope is not None:
        if name in scope.vars:
            return True
        scope = scope.parent
    return False
