"""The abstract interpreter: runs a libcst module like Python would, on abstract values.

``Interpreter`` combines the statement, expression and call parts (each in
its module) and drives a run: the module's body, then each entry point (a
top-level function nothing calls), then the libraries' final steps.  Values
that cannot be determined become ``Unknown`` and the run goes on; what a
library's names and values do is the library's (``library``).
"""

from __future__ import annotations

import collections
import functools
import re
import time
from typing import Any, Callable, Sequence

import libcst as cst

from kerascheck.input_shapes import InputShapes
from kerascheck.interpreter.calls import Calls
from kerascheck.interpreter.expressions import Expressions
from kerascheck.interpreter.library import Libraries, Library
from kerascheck.interpreter.inert import Summary, is_inert
from kerascheck.interpreter.limits import AnalysisLimit, Break, Budget, Continue, Limits, Raise, Return, UncertainExit
from kerascheck.interpreter.modules import Importer, ModuleState, Project
from kerascheck.interpreter.origins import Origins
from kerascheck.interpreter.statements import Statements, dotted_name, source_text
from kerascheck.interpreter.values import LAZY, Arguments, Class, Function, Instance, Scope
from kerascheck.interpreter.walk import walk
from kerascheck.unknown import Unknown


class Interpreter(Statements, Expressions, Calls):
    """Runs one module with ``libraries``; ``limits`` bounds the work, ``project``
    locates the modules it imports (None: none is followed), ``input_shapes``
    gives shape parameters the source leaves unknown, ``origins`` receives the
    stand-ins of other modules' nodes."""

    def __init__(
        self,
        module: cst.Module,
        libraries: Sequence[Library] = (),
        limits: Limits | None = None,
        project: Project | None = None,
        input_shapes: InputShapes | None = None,
        origins: Origins | None = None,
        source: str | None = None,
    ) -> None:
        self.module = module
        self.source = source  # the module's text, when known (a quick look before a walk)
        self.libraries = Libraries(libraries)
        self.input_shapes = input_shapes
        self.limits = limits or Limits()
        self.main = ModuleState("__main__", project.package if project else "", module, project.file if project else None)
        self.globals = self.main.globals
        self.importer = Importer(project, self.main, self.run_module, self.libraries)
        self.anchor = None
        self.place = None
        self.origins = origins if origins is not None else Origins()
        self.importing = 0
        self.steps = 0
        self.budgets = [Budget(self.limits.max_statement_steps, "the analysis ran out of steps")]
        self.budget_end = self.budgets[-1].end
        self.deadline = time.monotonic() + self.limits.max_seconds
        self.journal = []
        self.depth = 0
        self.uncertain = 0
        self.uncertain_node = None
        self.region = None
        self.births = {}
        self.called = set()
        self.running = {}
        self.inert_summaries: dict[int, Summary] = {}  # ``inert``'s, by function node
        self.instantiated = set()
        self.escaped = {}
        self.call_stack = []
        self.tainted = {}
        self.limit_hits = []
        #: the calls into a library's source (``Library.source``), by id: of the analysed
        #: file, or of another module (its own node, not a stand-in)
        self.library_sites = set()
        self.words = 0
        self.assigned = {}
        self.drives = []
        self.generator_functions = {}
        self.literals = {}
        self.words_spent = False
        for library in self.libraries.all:
            library.attach(self)

    def run(self) -> None:
        """Run the module body, then each entry point: a top-level function that
        nothing in the file calls (by name, or at run time), then the libraries'
        final steps, each on a budget of its own (``budgeted``).

        Limits are recorded in ``limit_hits``; only the time guard propagates.
        """
        self.run_statements(self.module.body, self.globals)
        defined = [(s, self.globals.vars.get(s.name.value)) for s in self.module.body if isinstance(s, cst.FunctionDef)]
        candidates = [(s, v) for s, v in defined if isinstance(v, Function) and self.may_be_entry_point(s, v)]
        helpers = called_by_name(self.module, {s.name.value for s, _ in candidates}, self.source)
        for statement, value in candidates:
            if statement.name.value in helpers or id(value) in self.called:  # an earlier one may have run it
                continue
            if is_inert(value, self.libraries, self.inert_summaries):  # it cannot build anything: not run
                continue
            for arguments, label in self.parameter_sets(statement):
                run = functools.partial(self.call_with_defaults, value, statement.name.value, arguments, label)
                self.budgeted(statement, run)
        for value in list(self.globals.vars.values()):
            if self.may_be_entry_class(value):
                for method in self.entry_methods(value):
                    self.budgeted(method.node, functools.partial(self.call_method_with_defaults, value, method))
        for library in self.libraries.all:
            for step in library.final_steps():
                self.budgeted(None, step)
        self.budgets[0].end = self.budget_end = self.steps + self.limits.min_statement_steps  # for the rules' questions

    def run_statements(self, body: Sequence[cst.BaseStatement], scope: Scope) -> None:
        """A module's top-level statements, each on a budget of its own."""
        for statement in body:
            try:
                self.budgeted(statement, functools.partial(self.exec_stmt, statement, scope), scope)
            except Raise:
                break
            except (Return, Break, Continue, UncertainExit):
                continue

    def budgeted(
        self, node: cst.CSTNode | None, step: Callable[[], None], scope: Scope | None = None, loop: bool = False
    ) -> None:
        """Run one top-level statement of ``scope`` (or an entry point, or a final
        step) on a step budget of its own; a ``loop`` gets one within the running
        statement's.

        When a budget runs out inside it (its own, the call depth, a
        comprehension's length, Python's recursion limit), what it did is not
        followed to the end: the
        names it binds and everything it changed that outlives it become
        unknown, the models it built or changed uncertain, and the run goes on
        with the next one.
        """
        mark = len(self.journal)
        saved = self.depth, self.uncertain, self.uncertain_node, self.region, len(self.call_stack)
        tokens = [library.checkpoint() for library in self.libraries.all]
        budget = Budget(self.steps, "")
        # the running statement's budget ends first, or a generator's body runs in its consumer's place
        shared = loop and (self.steps + self.limits.max_loop_steps >= self.budget_end or self.in_generator_body())
        if shared:  # running out is the statement's
            budget = self.budgets[-1]
        elif loop:
            budget.end += self.limits.max_loop_steps
            budget.reason = f"a loop took more than {self.limits.max_loop_steps:,} interpretation steps"
        else:
            given, budget.reason = self.statement_budget()
            budget.end += given
        self.budgets.append(budget)
        self.budget_end = budget.end
        try:
            step()
        except (AnalysisLimit, RecursionError) as caught:
            exc = caught if isinstance(caught, AnalysisLimit) else AnalysisLimit(DEEP, node)  # Python's own recursion limit
            if exc.fatal or shared or exc.budget not in (None, budget):
                raise  # the time guard, or another statement's budget
            exc.node = self.site(node if scope is not None and node is not None else exc.node)  # the statement cut short
            exc.__context__ = None  # kept for the report: not the frames (and values) it was raised through
            self.limit_hits.append(exc.with_traceback(None))
            self.depth, self.uncertain, self.uncertain_node, self.region = saved[:4]
            del self.call_stack[saved[4] :]
            self.abandon(node, scope, mark, tokens)
        finally:
            self.budgets.pop()
            self.budget_end = self.budgets[-1].end
            if len(self.budgets) == 1:
                self.journal.clear()  # no statement being run can be cut short any more

    def statement_budget(self) -> tuple[int, str]:
        """Steps for the next statement (its share of what the file has left), and
        what running past them means."""
        limits, left = self.limits, self.limits.max_steps - self.steps
        if left >= limits.max_statement_steps:
            return limits.max_statement_steps, f"one statement took more than {limits.max_statement_steps:,} interpretation steps"
        if left >= limits.min_statement_steps:
            return left, f"the file's {limits.max_steps:,} interpretation steps are spent"
        return limits.min_statement_steps, (
            f"the file's {limits.max_steps:,} interpretation steps are spent"
            f" (each later statement gets {limits.min_statement_steps:,})"
        )

    def abandon(self, node: cst.CSTNode | None, scope: Scope | None, mark: int, tokens: list[Any]) -> None:
        """What a statement whose run was cut short did is unknown: the variables and
        attributes it set, the containers it changed, the names it binds (it may not
        have reached them), and, for each library, what it built."""
        reason = "computed by a statement kerascheck did not follow to the end (a budget ran out)"
        for entry in self.journal[mark:]:
            if isinstance(entry, tuple):
                target, key = entry
                (target.vars if isinstance(target, Scope) else target)[key] = Unknown(reason)
            else:
                self.taint(entry)
        if node is not None and scope is not None:
            for name in self.names_assigned(node):
                self.bind(name, Unknown(reason), scope)
        for library, token in zip(self.libraries.all, tokens):
            library.abandoned(token, reason)

    def may_be_entry_point(self, statement: cst.FunctionDef, value: Function) -> bool:
        """Whether the function a top-level ``def`` of the file binds did not run (an
        entry point unless some code of the file calls it by name); a decorator's
        wrapper (``functools.wraps``) stands for the function it wraps."""
        return (
            (value.node is statement or bool(statement.decorators))
            and not value.is_method
            and id(value) not in self.called
        )

    def may_be_entry_class(self, value: Any) -> bool:
        """A top-level class of the file that nothing instantiated (a test case, a
        benchmark, a builder class), which no library claims."""
        return (
            isinstance(value, Class)
            and any(value.node is statement for statement in self.module.body)
            and id(value) not in self.instantiated
            and all(library.runs_methods_of(value) for library in self.libraries.all)
        )

    def entry_methods(self, cls: Class) -> list[Function]:
        """The methods of ``cls`` to run as entry points: its own plain methods that
        did not run and that no method of the class calls (``self.helper()``)."""
        helpers = called_on_self(cls.node)
        return [
            value
            for name, value in cls.namespace.items()
            if isinstance(value, Function)
            and isinstance(value.node, cst.FunctionDef)
            and not value.node.decorators
            and not name.startswith("__")
            and name not in PREPARATION
            and name not in helpers
            and id(value) not in self.called
        ]

    def call_method_with_defaults(self, cls: Class, method: Function) -> None:
        """Report what a method of a class nothing instantiated builds, called with
        its defaults on a fresh instance, as a test runner would: ``__init__`` and
        ``setUp`` run first when they need no arguments."""

        def run() -> None:
            instance = self.born(Instance(cls))
            for name in ("__init__", "setUp"):
                prepare = cls.lookup(name)
                if isinstance(prepare, Function) and needs_no_arguments(prepare):
                    self.call_function(prepare, Arguments([instance]))
            self.first_of(self.call_function(method, Arguments([instance]), default_unknown=True), method.node)

        self.as_entry_point(f"{cls.name}().{method.name}() with its default arguments", run)

    def as_entry_point(self, description: str, run: Callable[[], None]) -> None:
        """Run an entry point as if alone, in a fresh session (Keras's names start
        over); the models it builds say ``description`` of how they were reached."""
        for library in self.libraries.all:
            library.new_session()
        self.call_stack.append((description, None))
        try:
            run()
        except (Raise, Break, Continue):
            pass
        finally:
            self.call_stack.pop()

    def parameter_sets(self, statement: cst.FunctionDef) -> list[tuple[Arguments, str]]:
        """The arguments a test runner calls a test function with: one set per
        case of its ``@pytest.mark.parametrize("a, b", [...])`` decorators (known
        values only), else none (its defaults)."""
        sets: list[tuple[Arguments, str]] = [(Arguments(), "")]
        for decorator in statement.decorators:
            call = decorator.decorator
            if not (isinstance(call, cst.Call) and dotted_name(call.func).endswith("mark.parametrize")):
                continue
            given = [self.eval(arg.value, self.globals) for arg in call.args[:2] if arg.keyword is None]
            names = given[0].replace(" ", "").split(",") if given and isinstance(given[0], str) else given[0] if given else None
            cases = given[1] if len(given) == 2 else None
            if not isinstance(names, (list, tuple)) or not isinstance(cases, (list, tuple)) or not cases:
                continue  # unknown cases: the parameters stay unknown
            shown = [source_text(e.value) for e in call.args[1].value.elements] if isinstance(call.args[1].value, (cst.List, cst.Tuple)) else []
            combined = []
            for arguments, label in sets:
                for index, case in enumerate(cases):
                    values = (case,) if len(names) == 1 else tuple(case) if isinstance(case, (list, tuple)) else None
                    if values is None or len(values) != len(names):
                        return [(Arguments(), "")]
                    text = shown[index] if len(shown) == len(cases) else f"case {index + 1}"
                    text = f"{names[0]}={text}" if len(names) == 1 else f"({', '.join(names)})={text}"
                    combined.append((arguments.but(keywords={**arguments.keywords, **dict(zip(names, values))}), ", ".join(filter(None, [label, text]))))
            sets = combined[: self.limits.max_iterations]
        return sets

    def call_with_defaults(self, function: Function, name: str, arguments: Arguments | None = None, label: str = "") -> None:
        """Report what a never-called builder function (bound to ``name``) builds with
        its defaults (or a test's ``arguments``, shown as ``label``), as if it were
        called in a fresh session (Keras's names start over)."""
        how = f"{name}({label}) from pytest.mark.parametrize" if label else f"{name}() with its default arguments"

        def run() -> None:
            self.first_of(self.call_function(function, arguments or Arguments(), default_unknown=True), function.node)

        self.as_entry_point(how, run)

    def first_of(self, result: Any, node: cst.CSTNode) -> None:
        """An entry point that is a generator function runs to its first ``yield``,
        as a test runner runs a fixture (a data generator: to its first batch)."""
        if isinstance(result, LAZY):
            self.next_item(result, node, default=None)

    def run_module(self, module: ModuleState, node: cst.CSTNode) -> None:
        """Run the body of a module imported by ``node`` (its own state, certain)."""
        outer = self.anchor, self.place, self.uncertain, self.region
        site = self.site(node)
        self.place = self.origins.place_after(site, module, self.place)
        self.anchor, self.uncertain, self.region = self.origins.anchor(site), 0, None
        self.importing += 1
        start = self.steps
        try:
            assert module.tree is not None
            self.run_statements(module.tree.body, module.globals)
        finally:
            self.importing -= 1
            self.anchor, self.place, self.uncertain, self.region = outer
            for budget in self.budgets:  # its statements had budgets of their own: the importer's are not charged
                budget.end += self.steps - start
            self.budget_end = self.budgets[-1].end


#: a statement whose code (or data: a list held in itself) nests past Python's recursion limit
DEEP = "code or data nested too deeply to interpret"
#: methods a test runner calls around each test, not tests themselves
PREPARATION = frozenset({"setUp", "tearDown", "setUpClass", "tearDownClass", "asyncSetUp", "asyncTearDown"})


def needs_no_arguments(function: Function) -> bool:
    """Whether a method can be called on its receiver alone."""
    params = function.node.params
    positional = [*params.posonly_params, *params.params][1:]  # after self
    return all(p.default is not None for p in positional) and all(p.default is not None for p in params.kwonly_params)


def called_on_self(node: cst.ClassDef) -> set[str]:
    """Names of the methods a class's code calls on ``self`` (its helpers)."""
    return {
        found.func.attr.value
        for found in walk(node)
        if isinstance(found, cst.Call)
        and isinstance(found.func, cst.Attribute)
        and isinstance(found.func.value, cst.Name)
        and found.func.value.value == "self"
    }


def called_by_name(module: cst.Module, names: set[str], source: str | None = None) -> set[str]:
    """Which of ``names`` (of top-level functions) code of the module calls,
    outside their own bodies, or a decorator names (a test's parameters):
    helpers, reached through their callers.  The module's nodes are walked only
    for names that its ``source`` text (when given) has more than once (a name
    written once is its ``def``)."""
    if source is not None and names:
        written = collections.Counter(re.findall(r"\b(?:%s)\b" % "|".join(map(re.escape, names)), source))
        names = {name for name in names if written[name] > 1}
    if not names:
        return set()
    called: set[str] = set()
    for statement in module.body:
        own = statement.name.value if type(statement) is cst.FunctionDef else None
        for node in walk(statement):  # (``type(x) is``: libcst's concrete classes have no subclasses)
            if type(node) is cst.Call and type(node.func) is cst.Name:
                name = node.func.value
                if name in names and name != own:
                    called.add(name)
            elif type(node) is cst.Decorator:
                called.update(n.value for n in walk(node.decorator) if type(n) is cst.Name and n.value in names)
    return called
