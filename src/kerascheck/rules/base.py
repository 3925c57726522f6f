"""The contract every rule follows, and the read-only view of a model that rules use.

A rule lives in its own module ``rules/kcNNN_name.py`` and defines one ``Rule``
subclass named ``RULE``'s class: its code, kebab-case name, severity, a
documentation block (what it does / why it matters / example / fix), options
with defaults, and ``valid``/``invalid`` source examples from which tests are
generated.  ``check`` reads the model graph (never raw syntax) and yields
findings pointing at the layer's constructor call.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar, Iterator

import libcst as cst

from kerascheck.findings import Edit, Finding
from kerascheck.graph import Facts, Layer, Model, Node, Op, Operation
from kerascheck.modelbuild import traverse


@dataclass(frozen=True)
class Example:
    """A source example of a rule; ``count`` diagnostics of the rule are expected,
    and each message must contain ``contains`` when given.  A ``bytes`` source is
    a file's raw content (for what is found before decoding)."""

    source: str | bytes
    count: int = 1
    contains: str = ""
    options: dict[str, Any] = field(default_factory=dict)


@dataclass
class RuleContext:
    path: str
    models: list[Model]
    facts: Facts
    options: dict[str, Any]  # rule options by kebab-case name (defaults filled in)
    #: the views of the file's models, shared by every rule run on it
    views: dict[int, "ModelView"] = field(default_factory=dict)

    def view(self, model: Model) -> "ModelView":
        """The model's ``ModelView``, built once per file."""
        if id(model) not in self.views:
            self.views[id(model)] = ModelView(model)
        return self.views[id(model)]


class Rule:
    code: ClassVar[str]
    name: ClassVar[str]
    severity: ClassVar[str]  # "error", "warning" or "info"
    summary: ClassVar[str]  # one line, for tables and SARIF's shortDescription
    docs: ClassVar[str]  # markdown: ## What it does / ## Why it matters / ## Example / ## Fix
    options: ClassVar[dict[str, Any]] = {}  # kebab-case option name → default
    #: codes whose diagnostic on the same call causes this rule's there: this one is
    #: then folded into it (``kerascheck.cascades``)
    follows_from: ClassVar[tuple[str, ...]] = ()
    #: reported only when select or extend-select names it (or a prefix longer than ``KC``)
    opt_in: ClassVar[bool] = False
    valid: ClassVar[tuple[Example, ...]] = ()
    invalid: ClassVar[tuple[Example, ...]] = ()

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        raise NotImplementedError

    def finding(
        self,
        node: cst.CSTNode | None,
        message: str,
        fix: str | None = None,
        severity: str | None = None,
        edits: tuple[Edit, ...] = (),
    ) -> Finding:
        """A finding of this rule; ``severity`` overrides the rule's own; ``edits``:
        the fix, when it is mechanical and certainly right."""
        return Finding(self.code, node, message, fix, severity, edits)


class AnalysisRule(Rule):
    """A code the analysis pipeline reports itself (a file it cannot read, parse or
    finish); the class carries its documentation and examples."""

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        return iter(())


class LayerProblemRule(Rule):
    """A rule for something Keras itself rejects when it builds the layer.

    The layer catalog finds these while computing shapes (it raises ``Invalid``
    with the rule's code); the rule reports each once per layer.
    """

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        seen: set[int] = set()
        for model in ctx.models:
            for row in model.rows or []:
                op = row.operation
                if id(op) in seen:
                    continue
                seen.add(id(op))
                for problem in getattr(op, "problems", ()):
                    if problem.code == self.code:
                        yield self.finding(problem.node, f"{op.name} ({op.class_name}): {problem.message}")


class ModelProblemRule(Rule):
    """A rule for something Keras rejects about a model as a whole.

    Building the model finds these (``modelbuild``: ``model.problems`` with the
    rule's code); the rule reports each at the model's constructor call.
    """

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for model in ctx.models:
            for problem in model.problems:
                if problem.code == self.code:
                    yield self.finding(problem.node, f"{model.name}: {problem.message}")


class ModelView:
    """Questions rules ask about one model: rows, neighbours, shapes, the output."""

    def __init__(self, model: Model) -> None:
        self.model = model
        self.operations: list[Operation] = [row.operation for row in model.rows or []]
        self.output_shape = {id(row.operation): row.output_shape for row in model.rows or []}
        nodes, _, _ = traverse(model)
        self._nodes: dict[int, list[Node]] = {}
        for node in nodes:
            self._nodes.setdefault(id(node.operation), []).append(node)
        members = {id(op) for op in self.operations}
        self._successors: dict[int, list[Operation]] = {id(op): [] for op in self.operations}
        self._predecessors: dict[int, list[Operation]] = {id(op): [] for op in self.operations}
        for node in nodes:
            op = node.operation
            for tensor in node.inputs:
                parent = tensor.producer.operation if tensor.producer is not None else None
                if parent is None or id(parent) not in members or id(op) not in members:
                    continue
                if op not in self._successors[id(parent)]:
                    self._successors[id(parent)].append(op)
                if parent not in self._predecessors[id(op)]:
                    self._predecessors[id(op)].append(parent)
        self.outputs: list[Operation] = [
            t.producer.operation for t in model.outputs if t.producer is not None and id(t.producer.operation) in members
        ]

    def layers(self) -> Iterator[Layer]:
        """The model's own catalog layers (not nested models, operations or unknown layers)."""
        for op in self.operations:
            if isinstance(op, Layer) and not isinstance(op, Op) and op.type is not None:
                yield op

    def successors(self, op: Operation) -> list[Operation]:
        return self._successors.get(id(op), [])

    def predecessors(self, op: Operation) -> list[Operation]:
        return self._predecessors.get(id(op), [])

    def input_shapes(self, op: Operation) -> list[Any]:
        """The shapes of the tensors ``op`` is called on in this model (its last call)."""
        nodes = self._nodes.get(id(op), [])
        return [t.shape for t in nodes[-1].inputs] if nodes else []

    def is_output(self, op: Operation) -> bool:
        return any(op is out for out in self.outputs)
