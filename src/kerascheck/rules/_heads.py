"""What the classifier-head and loss rules share: which activation a layer applies,
a model's output heads, and the loss and metrics ``compile`` gives each output.

What a layer or operation is (an activation, a pass-through...) is its type's
``Role`` (``catalog.roles_of``), never its class name."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, TypeGuard

from kerascheck.catalog import roles_of, type_of
from kerascheck.catalog.base import Role
from kerascheck.catalog.core import Dense
from kerascheck.catalog.rnn import TimeDistributed
from kerascheck.graph import Compile, FitTarget, Layer, Model, Op, Operation
from kerascheck.interpreter.values import Opaque, Ref
from kerascheck.rules.base import ModelView, RuleContext
from kerascheck.unknown import Unknown, contains_unknown, is_unknown

#: Keras activation functions, by the name ``activation=`` takes
FUNCTIONS = frozenset({
    "linear", "relu", "relu6", "leaky_relu", "elu", "selu", "gelu", "silu", "swish", "mish", "tanh",
    "sigmoid", "hard_sigmoid", "hard_silu", "hard_swish", "softmax", "log_softmax", "softplus",
    "softsign", "exponential",
})
#: activations whose outputs are probabilities in [0, 1]
PROBABILITY = frozenset({"softmax", "sigmoid", "hard_sigmoid"})


def activation_name(value: Any) -> str | None:
    """The activation an ``activation=`` value names (None: not known)."""
    if value is None:
        return "linear"
    if isinstance(value, str):
        return value if value in FUNCTIONS else None
    if isinstance(value, Ref) and value.path.split(".")[0] in ("keras", "tensorflow"):
        return value.last if value.last in FUNCTIONS else None
    if isinstance(value, Layer) and value.type is not None:
        return applied_activation(value)
    return None


def is_activation_only(op: Operation) -> TypeGuard[Layer]:
    """An ``Activation``/``Softmax``/``ReLU``... layer or a ``keras.ops.softmax``-like operation."""
    if not isinstance(op, Layer) or op.type is None:
        return False
    return Role.ACTIVATION in roles_of(op)


def has_activation_argument(op: Operation) -> TypeGuard[Layer]:
    """A layer with weights and its own ``activation=`` (Dense, Conv2D, LSTM, TimeDistributed(Dense)...)."""
    if not isinstance(op, Layer) or isinstance(op, Op) or op.type is None:
        return False
    if isinstance(type_of(op), TimeDistributed):
        inner = op.config.get("layer")
        return isinstance(inner, Layer) and has_activation_argument(inner)
    # an activation-only layer's activation= (Activation's) is what it applies
    return "activation" in op.type.positional and Role.ACTIVATION not in roles_of(op)


def applied_activation(op: Operation) -> str | None:
    """The activation ``op`` applies to its output (None: none that is known)."""
    if not isinstance(op, Layer) or op.type is None:
        return None
    kind = type_of(op)
    if isinstance(op, Op):
        return kind.activation if kind is not None else None
    if kind is not None and Role.ACTIVATION in kind.roles:
        if kind.activation is not None:
            return kind.activation
        return activation_name(op.config["activation"]) if "activation" in op.config else None
    if isinstance(kind, TimeDistributed):
        inner = op.config.get("layer")
        return applied_activation(inner) if isinstance(inner, Layer) else None
    if has_activation_argument(op):
        default = "tanh" if Role.RECURRENT in roles_of(op) else None
        return activation_name(op.config.get("activation", default))
    return None


def softmax_axes(op: Operation) -> tuple[int, ...] | None:
    """The axes ``op`` takes a softmax over (None: it applies no softmax, or the axis is unknown)."""
    if not isinstance(op, Layer) or applied_activation(op) != "softmax":  # only a Layer applies one
        return None
    kind = type_of(op)
    axis = op.config.get(kind.activation_axis, -1) if kind is not None and kind.activation_axis else -1
    if isinstance(axis, int) and not isinstance(axis, bool):
        return (axis,)
    if isinstance(axis, (tuple, list)) and axis and all(isinstance(a, int) and not isinstance(a, bool) for a in axis):
        return tuple(axis)
    return None


def rank(shape: Any) -> int | None:
    return len(shape) if isinstance(shape, tuple) and not is_unknown(shape) else None


def size(dim: Any) -> int | None:
    """A dimension's size when it is a known integer (not None, not unknown)."""
    return dim if isinstance(dim, int) and not isinstance(dim, bool) else None


def describe(op: Operation) -> str:
    return f"{op.name} ({op.class_name})"


def shape_text(shape: Any) -> str:
    return "(" + ", ".join("None" if d is None else str(d) for d in shape) + (",)" if len(shape) == 1 else ")")


# ------------------------------------------------------------------ heads
@dataclass
class Head:
    """One output of a model and how it is computed."""

    output: Operation  # the operation producing the output
    name: str  # the output's name (Keras names outputs after their layers)
    shape: Any  # the output's shape (unknown for a Sequential not built yet)
    activation: str | None = None  # the last activation applied to it (None: not known)
    activation_layer: Layer | None = None  # the layer applying it (for "linear": the layer with weights)
    layer: Layer | None = None  # the layer with weights that computes it (Dense, Conv2D...), if found
    units: int | None = None  # the size of its last axis


def heads(view: ModelView) -> list[Head]:
    """The heads of a model's outputs, in output order (empty when its outputs are not known)."""
    model = view.model
    if model.uncertain and (model.kind != "functional" or any(t.alternatives for t in model.outputs)):
        return []  # a functional model's outputs are computed as written, however uncertain the rest
    if not model.outputs and model.kind == "sequential":
        return _unbuilt_head(model)
    found = []
    for tensor in model.outputs:
        producer = tensor.producer
        if producer is None or producer.is_input:
            return []
        found.append(_walk(producer.operation, tensor.index, tensor.shape, view.predecessors))
    return found


def _unbuilt_head(model: Model) -> list[Head]:
    """A Sequential without input shape: its layers in order, the units from the arguments."""
    layers = [op for op in model.sequence if not (isinstance(op, Layer) and op.is_input)]
    if not layers:
        return []
    previous = {id(after): [before] for before, after in zip(layers, layers[1:])}
    head = _walk(layers[-1], 0, Unknown("not built"), lambda op: previous.get(id(op), []))
    return [head]


def _walk(op: Operation, index: int, shape: Any, parents_of: Callable[[Operation], list[Operation]]) -> Head:
    """From an output operation (its output ``index``) back through activations and
    pass-through layers to the layer with weights."""
    head = Head(op, op.name, shape)
    known = False  # whether the last activation is settled
    reshaped = False
    current = op
    while True:
        if isinstance(current, Model):
            inner = _nested_head(current, index)
            if inner is not None:
                if not known:
                    head.activation, head.activation_layer, known = inner.activation, inner.activation_layer, True
                head.layer, reshaped = inner.layer, reshaped or inner.units is None
            break
        if is_activation_only(current):
            if not known:
                head.activation, head.activation_layer, known = applied_activation(current), current, True
        elif has_activation_argument(current):
            if not known:
                head.activation, head.activation_layer, known = applied_activation(current), current, True
            head.layer = current
            break
        elif isinstance(current, Layer) and Role.KEEPS_ACTIVATION in roles_of(current):
            reshaped = reshaped or Role.REARRANGES in roles_of(current)
        else:
            break
        parents = parents_of(current)
        if len(parents) != 1:
            break
        parent_index = _output_index(current, parents[0])
        if parent_index is None:
            break
        current, index = parents[0], parent_index
    if head.activation is None:
        head.activation_layer = None
    head.units = size(shape[-1]) if rank(shape) else None if reshaped else _declared_units(head.layer)
    return head


def _nested_head(model: Model, index: int) -> Head | None:
    found = heads(ModelView(model))
    return found[index] if index < len(found) else None


def _output_index(op: Operation, parent: Operation) -> int | None:
    """Which output of ``parent`` (a model with several) ``op`` reads; 0 for a layer."""
    if not isinstance(parent, Model):
        return 0
    indices = {t.index for n in op.nodes for t in n.inputs if t.producer and t.producer.operation is parent}
    return indices.pop() if len(indices) == 1 else None


def _declared_units(layer: Layer | None) -> int | None:
    """The units a Dense layer (wrapped in TimeDistributed or not) is given."""
    if layer is not None and isinstance(type_of(layer), TimeDistributed):
        layer = layer.config.get("layer")
    if not isinstance(layer, Layer) or not isinstance(type_of(layer), Dense):
        return None
    return size(layer.config.get("units"))


# ------------------------------------------------------------------ losses and metrics
CATEGORICAL = frozenset({
    "categorical_crossentropy", "CategoricalCrossentropy", "categorical_focal_crossentropy",
    "CategoricalFocalCrossentropy",
})
SPARSE = frozenset({"sparse_categorical_crossentropy", "SparseCategoricalCrossentropy"})
BINARY = frozenset({
    "binary_crossentropy", "BinaryCrossentropy", "bce", "BCE", "binary_focal_crossentropy", "BinaryFocalCrossentropy",
})
REGRESSION = frozenset({
    "mean_squared_error", "MeanSquaredError", "mse", "MSE", "mean_absolute_error", "MeanAbsoluteError", "mae",
    "MAE", "mean_absolute_percentage_error", "MeanAbsolutePercentageError", "mape", "MAPE",
    "mean_squared_logarithmic_error", "MeanSquaredLogarithmicError", "msle", "MSLE", "huber", "Huber",
    "huber_loss", "log_cosh", "logcosh", "LogCosh",
})
#: the position of ``from_logits`` among each loss class's parameters
FROM_LOGITS_POSITION = {
    "CategoricalCrossentropy": 0, "SparseCategoricalCrossentropy": 0, "BinaryCrossentropy": 0,
    "BinaryFocalCrossentropy": 3, "CategoricalFocalCrossentropy": 2,
}
ACCURACY = frozenset({
    "accuracy", "acc", "Accuracy", "binary_accuracy", "BinaryAccuracy", "categorical_accuracy",
    "CategoricalAccuracy", "sparse_categorical_accuracy", "SparseCategoricalAccuracy",
})


@dataclass(frozen=True)
class Loss:
    name: str  # as Keras names it: the string given, or the function's or class's name
    from_logits: bool | None  # None: not known


def keras_name(value: Any, module: str) -> str | None:
    """The name of a loss or metric given as a string, a ``keras.<module>`` function or object."""
    if isinstance(value, str):
        return value
    if isinstance(value, Ref) and value.path.startswith(f"keras.{module}."):
        return value.last
    if isinstance(value, Opaque) and value.what.startswith(f"keras.{module}."):
        return value.what.rsplit(".", 1)[-1]
    return None


def loss_of(value: Any) -> Loss | None:
    """A loss given to ``compile`` (None: not one kerascheck understands)."""
    name = keras_name(value, "losses")
    if name is None:
        return None
    if not isinstance(value, Opaque):
        return Loss(name, False)
    if not value.complete:
        return Loss(name, None)
    flag: Any = value.arguments.get("from_logits", False)
    position = FROM_LOGITS_POSITION.get(name)
    if position is not None and len(value.positional) > position:
        flag = value.positional[position]
    return Loss(name, flag if isinstance(flag, bool) else None)


def per_output(value: Any, outputs: list[Head]) -> list[Any] | None:
    """What a ``compile`` argument gives each output: one value for all, a list in output
    order, or a dict by output name (None: the structure is not understood)."""
    if isinstance(value, dict):
        names = [h.name for h in outputs]
        if set(value) != set(names) or len(set(names)) != len(names):
            return None
        return [value[name] for name in names]
    if isinstance(value, (list, tuple)):
        return list(value) if len(value) == len(outputs) else None
    if contains_unknown(value):
        return None
    return [value] * len(outputs)


def losses(compiled: Compile | None, outputs: list[Head]) -> list[Loss | None] | None:
    """The loss of each output, from a ``model.compile(loss=...)`` (None: not compiled or not known)."""
    if compiled is None or "loss" not in compiled.args or not outputs:
        return None
    given = per_output(compiled.args["loss"], outputs)
    return None if given is None else [loss_of(v) for v in given]


def target_shapes(ctx: RuleContext, model: Model) -> list[tuple[Any, ...]]:
    """The shapes of the targets ``fit(x, y)`` or ``train_on_batch`` gives ``model``
    where the file makes them known (NumPy arrays, ``keras.datasets`` labels)."""
    return [target.shape for target in ctx.facts.fit_targets if target.model is model and target.current()]


def trained_output(ctx: RuleContext, target: FitTarget) -> tuple[Head, Loss] | None:
    """The one output ``target``'s ``fit()`` trains and the loss it gives it, when both are
    known and the model is still as it was then."""
    model = target.model
    if not isinstance(model, Model) or target.compiled is None or not target.current():
        return None
    outputs = heads(ctx.view(model))
    given = losses(target.compiled, outputs)
    if len(outputs) != 1 or not given or given[0] is None:
        return None
    return outputs[0], given[0]


def one_target_per_example(targets: list[tuple[Any, ...]], output: Any) -> tuple[Any, ...] | None:
    """A target shape that holds one value (or one label, or one vector) per
    example where the model's output has more axes: what a per-position output contradicts."""
    n = rank(output)
    return next((shape for shape in targets if n is not None and len(shape) < n and len(shape) <= 2), None)


def last_compile(model: Model) -> Compile | None:
    """The ``compile()`` in effect: the last one that ran."""
    return model.compiles[-1] if model.compiles else None


def replaced_untrained(model: Model, index: int) -> bool:
    """Whether the model's ``index``-th ``compile()`` never trained it: a later one, run
    whenever it ran, replaced it before any ``fit()``."""
    compiled = model.compiles[index]
    return not compiled.trained and any(c.certain for c in model.compiles[index + 1 :])
