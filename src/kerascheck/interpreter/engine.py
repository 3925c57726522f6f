"""The abstract interpreter: runs a libcst module like Python would, on abstract values.

``Interpreter`` combines the statement, expression and call parts (each in
its module) and drives a run: the module's body, then each entry point (a
top-level function nothing calls), then the libraries' final steps.  Values
that cannot be determined become ``Unknown`` and the run goes on; what a
library's names and values do is the library's (``library``).
"""

from __future__ import annotations

import dataclasses
import functools
import time
from typing import Any, Callable, Iterator, Sequence

import libcst as cst

from kerascheck.input_shapes import InputShapes
from kerascheck.interpreter.calls import Calls
from kerascheck.interpreter.expressions import Expressions
from kerascheck.interpreter.library import Libraries, Library
from kerascheck.interpreter.limits import AnalysisLimit, Break, Continue, Limits, Raise, Return, UncertainExit
from kerascheck.interpreter.modules import Importer, ModuleState, Project
from kerascheck.interpreter.statements import Statements
from kerascheck.interpreter.values import Arguments, Function


class Interpreter(Statements, Expressions, Calls):
    """Runs one module with ``libraries``; ``limits`` bounds the work, ``project``
    locates the modules it imports (None: none is followed), ``input_shapes``
    gives shape parameters the source leaves unknown."""

    def __init__(
        self,
        module: cst.Module,
        libraries: Sequence[Library] = (),
        limits: Limits | None = None,
        project: Project | None = None,
        input_shapes: InputShapes | None = None,
    ) -> None:
        self.module = module
        self.libraries = Libraries(libraries)
        self.input_shapes = input_shapes
        self.limits = limits or Limits()
        self.main = ModuleState("__main__", project.package if project else "", module)
        self.globals = self.main.globals
        self.importer = Importer(project, self.main, self.run_module)
        self.anchor = None
        self.importing = 0
        self.steps = 0
        self.deadline = time.monotonic() + self.limits.max_seconds
        self.depth = 0
        self.uncertain = 0
        self.uncertain_node = None
        self.called = set()
        self.call_stack = []
        self.tainted = {}
        self.limit_hits = []
        for library in self.libraries.all:
            library.attach(self)

    def run(self) -> None:
        """Run the module body, then each entry point: a top-level function that
        nothing in the file calls (by name, or at run time), then the libraries'
        final steps.

        Non-fatal limits are recorded in ``limit_hits`` and the next top-level
        statement runs; a fatal one propagates.
        """
        for statement in self.module.body:
            try:
                self.exec_stmt(statement, self.globals)
            except Raise:
                break
            except (Return, Break, Continue, UncertainExit):
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
                self.guarded(functools.partial(self.call_with_defaults, value))
        for library in self.libraries.all:
            for step in library.final_steps():
                self.guarded(step)

    def guarded(self, step: Callable[[], None]) -> None:
        """Run one more step after the module body; a non-fatal limit ends only it."""
        try:
            step()
        except AnalysisLimit as exc:
            if exc.fatal:
                raise
            self.limit_hits.append(exc)
            self.depth, self.uncertain, self.call_stack = 0, 0, []

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
        if it were called in a fresh session (Keras's names start over)."""
        self.deadline = max(self.deadline, time.monotonic() + self.limits.max_seconds / 4)
        for library in self.libraries.all:
            library.new_session()
        self.call_stack.append((f"{function.name}() with its default arguments", None))
        try:
            self.call_function(function, Arguments(), default_unknown=True)
        except (Raise, Break, Continue):
            pass
        finally:
            self.call_stack.pop()

    def run_module(self, module: ModuleState, node: cst.CSTNode) -> None:
        """Run the body of a module imported by ``node`` (its own state, certain)."""
        outer = self.anchor, self.uncertain
        self.anchor, self.uncertain = self.site(node), 0
        self.importing += 1
        try:
            assert module.tree is not None
            for statement in module.tree.body:
                try:
                    self.exec_stmt(statement, module.globals)
                except Raise:
                    break
                except (Return, Break, Continue, UncertainExit):
                    continue
        except AnalysisLimit as exc:
            exc.node = self.anchor
            raise
        finally:
            self.importing -= 1
            self.anchor, self.uncertain = outer


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
