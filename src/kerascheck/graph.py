"""The model graph: layers, tensors, the calls (nodes) that connect them, and models.

The interpreter builds these objects while it walks the source; rules and
reporters read them.  Every object keeps the libcst node it came from so that
its source span can be computed when (and only when) it is reported.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

import libcst as cst

from kerascheck.brief import Brief
from kerascheck.catalog.base import Call, Explain, Invalid, LayerType, ShapeTree, Unresolved, Weight
from kerascheck.unknown import Unknown, is_unknown


@dataclass(eq=False, repr=False)
class Problem(Brief):
    """Something Keras would reject, found while computing a layer."""

    code: str
    message: str
    node: cst.CSTNode | None


@dataclass(eq=False, repr=False)
class Tensor(Brief):
    """A symbolic tensor: its shape (or ``Unknown``) and the node that produced it."""

    shape: Any
    producer: "Node | None" = None
    index: int = 0
    #: for a tensor whose identity depends on an unknown condition: the candidates
    alternatives: tuple["Tensor", ...] = ()
    #: the Keras mask attached to this tensor (``Embedding(mask_zero=True)``...)
    mask: "Tensor | None" = None
    #: why kerascheck does not know what made this tensor (a mask it does not model)
    unfollowed: str = ""


@dataclass(eq=False, repr=False)
class Node(Brief):
    """One call of a layer, operation or model on tensors."""

    operation: "Operation"
    inputs: list[Tensor]  # every input tensor, flattened
    outputs: list[Tensor]
    #: the call's arguments with tensors in place, to replay the call on other shapes:
    #: (first argument: Tensor or list of Tensors, other arguments by name)
    arguments: tuple[Any, dict[str, Any]] = (None, {})

    @property
    def is_input(self) -> bool:
        return isinstance(self.operation, Layer) and self.operation.is_input


#: (trainable, non-trainable) parameter counts, None where unknown
Counts = tuple[int | None, int | None]
#: the ``trainable`` flag of operations at one moment of the program (None: unknown)
Flags = dict["Operation", "bool | None"]


@dataclass(eq=False, repr=False)
class Operation(Brief):
    """Anything that can appear as a row of a model summary."""

    name: str
    class_name: str
    source: cst.CSTNode | None
    nodes: list[Node] = field(default_factory=list, init=False)
    trainable: bool = field(default=True, init=False)
    #: why ``trainable`` is not known (set under a condition kerascheck cannot evaluate)
    trainable_unknown: str = field(default="", init=False)
    named: bool = field(default=False, init=False)  # its name was given in the source (name=...)

    def flag(self, flags: Flags | None = None) -> bool | None:
        """Its ``trainable`` flag at the moment ``flags`` holds (default: now); None if unknown."""
        if flags is not None and self in flags:
            return flags[self]
        return None if self.trainable_unknown else self.trainable

    def param_counts(self, flags: Flags | None = None) -> Counts:
        """(trainable, non-trainable) counts by each weight's own flag, None where unknown."""
        return 0, 0

    def totals(self, flags: Flags | None = None) -> Counts:
        """The counts its own summary row shows (a frozen model shows no trainable weights)."""
        return self.param_counts(flags)


def under_flag(flag: bool | None, trainable: int | None, frozen: int | None) -> Counts:
    """Counts under an operation's ``trainable`` flag: all non-trainable when it is
    False, and when it is unknown, what both flags give (None where they differ)."""
    if trainable is None or frozen is None:
        return None, None
    if flag is None:
        return agreed([(trainable, frozen), (0, trainable + frozen)])
    return (trainable, frozen) if flag else (0, trainable + frozen)


def agreed(counts: list[Counts]) -> Counts:
    """The counts all of ``counts`` give (None where two differ or one is unknown)."""
    first = counts[0]
    if any(c != first for c in counts):
        return None, None
    return first


@dataclass(eq=False, repr=False)
class Layer(Operation):
    """A layer object created in the source (``Conv2D(32, 3)``)."""

    type: LayerType | None = None  # None for a layer class kerascheck does not know
    config: dict[str, Any] = field(default_factory=dict)
    called_as: str = ""
    is_input: bool = False
    #: how the constructor was called: the number of positional arguments and the keywords
    positional_count: int = 0
    keywords: tuple[str, ...] = ()
    #: the positional arguments followed a Keras 1 convention the catalog rewrote
    #: (``Convolution2D(32, 3, 3)``, ``BatchNormalization(1e-3, 0, 1)``)
    legacy_positional: bool = False
    weights: list[Weight] | None = field(default=None, init=False)  # None: not built
    weights_reason: str = field(default="", init=False)
    explain: list[str] = field(default_factory=list, init=False)
    problems: list[Problem] = field(default_factory=list, init=False)
    unknown_reason: str = field(default="", init=False)

    def param_counts(self, flags: Flags | None = None) -> Counts:
        if self.is_input:
            return 0, 0
        if self.weights is None:
            if self.built_at_init and not self.weights_reason:
                return 0, 0  # Keras built it at construction: it has no weights to make
            return None, None
        trainable = sum(w.size for w in self.weights if w.trainable)
        frozen = sum(w.size for w in self.weights if not w.trainable)
        return under_flag(self.flag(flags), trainable, frozen)

    @property
    def built_at_init(self) -> bool:
        """Keras marks it built when constructed (a layer with no weights to make)."""
        return self.type is not None and self.type.built_at_init

    def refuse(self, code: str, message: str) -> None:
        """Keras refuses to construct the layer: a problem, and its shape and counts unknown."""
        self.problems.append(Problem(code, message, self.source))
        self.unknown_reason = self.weights_reason = f"Keras refuses it: {message}"

    def apply(self, call: Call) -> ShapeTree:
        """Compute the output of calling this layer, building its weights on the first call."""
        layer_type = self.type
        if layer_type is None or self.unknown_reason:
            self.unknown_reason = self.unknown_reason or f"{self.class_name} is not a layer kerascheck knows"
            return Unknown(self.unknown_reason)
        ex = Explain()
        output = self._attempt(lambda: _checked_shape(layer_type.output_shape(self.config, call, ex)), call)
        if self.problems and self.weights is None:  # Keras raised: the layer is never built
            self.weights_reason = self.weights_reason or f"Keras refuses it: {self.problems[0].message}"
        if self.weights is None and not self.weights_reason:
            weights = self._attempt(lambda: _checked_weights(layer_type.weights(self.config, call, ex)), call)
            if is_unknown(weights):
                self.weights_reason = weights.reason or "unknown"
            else:
                self.weights = weights
        if not self.explain:
            self.explain = ex.lines
        return output

    def type_of_source(self) -> bool:
        """Whether the layer's class is one of the analysed source (its methods are interpreted)."""
        return self.type is not None and self.type.of_source

    def output_for(self, call: Call) -> Any:
        """``layer.compute_output_shape(shape)``: what a call on ``shape`` would give."""
        layer_type = self.type
        if layer_type is None or self.unknown_reason:
            return Unknown(self.unknown_reason or f"{self.class_name} is not a layer kerascheck knows")
        return self._attempt(lambda: _checked_shape(layer_type.output_shape(self.config, call, Explain())), call)

    def build(self, call: Call) -> None:
        """``layer.build(input_shape)``: its weights for a call on that input, as that
        call would make them (nothing when it has them already)."""
        if self.type is None or self.weights is not None or self.weights_reason:
            return
        layer_type = self.type
        weights = self._attempt(lambda: _checked_weights(layer_type.weights(self.config, call, Explain())), call)
        if is_unknown(weights):
            self.weights_reason = weights.reason or "unknown"
        else:
            self.weights = weights

    def _attempt(self, compute: Callable[[], Any], call: Call) -> Any:
        if _wholly_unknown(call.inputs):
            return Unknown("the input shape is unknown")
        try:
            return compute()
        except Unresolved as exc:
            return Unknown(str(exc))
        except Invalid as exc:
            if not any(p.code == (exc.code or "KC107") for p in self.problems):  # one per kind
                self.problems.append(Problem(exc.code or "KC107", str(exc), self.source))
            return Unknown(str(exc))
        except (TypeError, ValueError, IndexError, KeyError, ZeroDivisionError, AttributeError):
            # An argument of a form the catalog does not model: unknown, not wrong.
            return Unknown(f"cannot evaluate {self.class_name} with these arguments (one of a form kerascheck does not model)")


def _is_size(dim: Any) -> bool:
    return isinstance(dim, int) and not isinstance(dim, bool) and dim > 0


def _checked_shape(shape: Any) -> Any:
    """Keras rejects a layer whose sizes are not positive integers (``Dense(392.0)``)."""
    for dim in _flat_dims(shape):
        if not (dim is None or is_unknown(dim) or _is_size(dim) or dim == 0):
            raise Invalid(f"a size must be a positive integer, got {dim!r}", code="KC105")
    return shape


def _flat_dims(shape: Any) -> list[Any]:
    if isinstance(shape, list):
        return [d for s in shape for d in _flat_dims(s)]
    if isinstance(shape, tuple):
        return list(shape)
    return []


def _checked_weights(weights: list[Weight]) -> list[Weight]:
    for weight in weights:
        if not all(_is_size(d) or d == 0 for d in weight.shape):
            raise Invalid(f"a size must be a positive integer, got {weight.name} of shape {weight.shape}", code="KC105")
    return weights


def _wholly_unknown(inputs: Any) -> bool:
    if is_unknown(inputs):
        return True
    if isinstance(inputs, list):
        return any(_wholly_unknown(i) for i in inputs)
    return False


@dataclass(eq=False, repr=False)
class Op(Layer):
    """A tensor operation in a Functional graph (``x + y`` is Keras 3's ``Add`` op).

    Its ``type`` comes from ``catalog.operations``; it has no weights.
    """


@dataclass(eq=False, repr=False)
class Row(Brief):
    """One line of a model summary; its counts follow the operation's state at a
    moment (``layer.trainable = False`` after the model was built counts from then)."""

    operation: Operation
    output_shape: ShapeTree
    built: bool = True  # False for a layer of a Sequential that has no input shape

    def counts(self, flags: Flags | None = None) -> Counts:
        """(trainable, non-trainable) with the flags of ``flags`` (default: now)."""
        return self.operation.totals(flags) if self.built else (None, None)


#: the calls at which kerascheck notes a model's trainable flags, in order of precedence
SPLIT_EVENTS = ("summary", "compile")


@dataclass(eq=False, repr=False)
class Snapshot(Brief):
    """The trainable flags of a model's operations when ``summary()`` or ``compile()`` ran."""

    event: str  # one of SPLIT_EVENTS
    flags: Flags
    certain: bool  # it ran whenever the model exists (no condition of its own)


@dataclass(eq=False, repr=False)
class Compile(Brief):
    """One ``model.compile(...)`` call: its arguments by name (``optimizer`` and
    ``loss`` also when given positionally)."""

    args: dict[str, Any]
    source: cst.CSTNode
    certain: bool  # it ran whenever the model exists (no condition of its own)
    trained: bool = False  # fit() or train_on_batch() ran while it was in effect


@dataclass(eq=False, repr=False)
class Model(Operation):
    """A Sequential, Functional or subclassed model found in the source."""

    kind: str = "functional"
    #: the outermost call that built the model: (description, call node), if any
    context: Any = None
    # Sequential: the layers in order, and the declared input (with batch axis)
    sequence: list[Operation] = field(default_factory=list)
    declared_input: Any = None
    # Functional (and built Sequential): the graph's input and output tensors
    inputs: list[Tensor] = field(default_factory=list)
    outputs: list[Tensor] = field(default_factory=list)
    uncertain: str = ""  # why the model's structure depends on unknown values
    #: Sequential: the items added under a condition kerascheck cannot evaluate
    conditional_adds: list[Operation] = field(default_factory=list, init=False)
    #: the statement of a condition kerascheck cannot evaluate that decides whether it is built
    condition: Any = None
    #: every ``model.compile(...)`` call, in the order they ran (the last one is in effect)
    compiles: list[Compile] = field(default_factory=list, init=False)
    rows: list[Row] | None = field(default=None, init=False)
    unknown_reason: str = field(default="", init=False)
    #: what Keras refuses about the model as a whole: it is never built, its totals are unknown
    problems: list[Problem] = field(default_factory=list, init=False)
    snapshots: list[Snapshot] = field(default_factory=list, init=False)
    # Subclassed: the layers its attributes hold (``model.layers``), in the order
    # Keras tracks them; whether call() was traced on an input; the interpreter's
    # instance of the class, and how to trace call() on other input shapes
    tracked: list[Operation] = field(default_factory=list, init=False)
    traced: bool = field(default=False, init=False)
    owner: Any = field(default=None, init=False)
    trace: Any = field(default=None, init=False)

    def param_counts(self, flags: Flags | None = None) -> Counts:
        """Counts by each weight's own trainable flag (how an enclosing model counts it)."""
        if self.uncertain or self.problems or self.rows is None or (self.kind == "subclassed" and not self.traced):
            return None, None
        # A layer of a subclassed model that call() never used stays unbuilt: no weights.
        unbuilt = (0, 0) if self.kind == "subclassed" else (None, None)
        counts = [r.operation.param_counts(flags) if r.built else unbuilt for r in self.rows]
        trainable = [t for t, _ in counts if t is not None]
        frozen = [f for _, f in counts if f is not None]
        if len(trainable) < len(counts) or len(frozen) < len(counts):
            return None, None
        return sum(trainable), sum(frozen)

    def totals(self, flags: Flags | None = None) -> Counts:
        """The model's own totals: a model whose ``trainable`` is False has no
        trainable weights, whatever its layers' flags."""
        return under_flag(self.flag(flags), *self.param_counts(flags))

    def split_moments(self) -> list[Flags | None]:
        """The moments whose trainable split its report may show (None: the end of
        the run): its first ``summary()``, else its first ``compile()``, else the
        end; a call that may not run (under a condition the model's own creation
        does not share) adds its moment and leaves the next one possible too."""
        moments: list[Flags | None] = []
        for event in SPLIT_EVENTS:
            for snapshot in self.snapshots:
                if snapshot.event == event:
                    moments.append(snapshot.flags)
                    if snapshot.certain:
                        return moments
        return [*moments, None]

    def split(self) -> Counts:
        """Its totals as reported: what every moment of ``split_moments`` agrees on."""
        return agreed([self.totals(flags) for flags in self.split_moments()])

    def row_split(self, row: Row) -> Counts:
        """A row's counts as reported: what every moment of ``split_moments`` agrees on."""
        return agreed([row.counts(flags) for flags in self.split_moments()])

    def operations(self) -> list[Operation]:
        """The model, its layers, and those of the models nested in it."""
        found: dict[Operation, None] = {self: None}
        for op in [*self.sequence, *(r.operation for r in self.rows or []), *self.tracked]:
            if op not in found:
                found.update(dict.fromkeys(op.operations() if isinstance(op, Model) else [op]))
        return list(found)


@dataclass(frozen=True, repr=False)
class FitTarget(Brief):
    """``model.fit(x, y)`` (or ``train_on_batch``) given targets ``y`` the file makes known."""

    node: cst.CSTNode  # the call
    model: Any
    shape: tuple[Any, ...]  # y's shape
    compiled: Compile | None  # the compile() in effect then
    values: tuple[float, float] | None = None  # y's smallest and largest value, where known
    #: a Sequential model's layers then
    structure: tuple[Any, ...] = ()

    def current(self) -> bool:
        """Whether the model is still as it was when fit() ran (no layer popped or added
        since): what the rules compare the targets with is its final structure."""
        now = structure_of(self.model)
        return len(now) == len(self.structure) and all(a is b for a, b in zip(now, self.structure))


def structure_of(model: Any) -> tuple[Any, ...]:
    """What may change in a model after it is made: a Sequential's layers (a Functional
    model's graph is fixed when it is made)."""
    return tuple(model.sequence) if isinstance(model, Model) and model.kind == "sequential" else ()


@dataclass
class Facts:
    """What the interpreter saw in a file besides its models (for rules about usage)."""

    #: attributes read that Keras 3 removed (``layer.output_shape``): (node, name)
    legacy_attributes: list[tuple[cst.CSTNode, str]] = field(default_factory=list)
    #: calls spelled the Keras 1/2 way: (node, function, argument), e.g.
    #: ``set_image_dim_ordering`` with ``'th'``, ``Model`` with its legacy keywords
    legacy_calls: list[tuple[cst.CSTNode, str, Any]] = field(default_factory=list)
    #: ``model.build(shape)`` on a subclassed model without a build() of its own:
    #: (node, model, the shape given)
    subclassed_builds: list[tuple[cst.CSTNode, Any, Any]] = field(default_factory=list)
    #: TensorFlow functions called on symbolic Keras tensors: (node, dotted path)
    tf_on_keras_tensors: list[tuple[cst.CSTNode, str]] = field(default_factory=list)
    #: ``model.fit(x, y)`` / ``train_on_batch`` with targets ``y`` of known shape
    fit_targets: list["FitTarget"] = field(default_factory=list)
    #: names the file reads but never binds, read as Keras's (a snippet): (node, name, what it is read as)
    implicit_names: list[tuple[cst.CSTNode, str, str]] = field(default_factory=list)
    #: the calls (by node id) that ran a library's own source, a keras.applications constructor
    library_sites: set[int] = field(default_factory=set)
    #: the first call that needed a library's source kerascheck could not find: (node, why)
    missing_source: list[tuple[cst.CSTNode, str]] = field(default_factory=list)
