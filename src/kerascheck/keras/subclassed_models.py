"""Subclasses of ``keras.Model`` defined in the analysed code.

Keras 3 names such a model in ``super().__init__()``, tracks the layers
assigned to its attributes (``model.layers``, in assignment order, lists and
dicts of layers included) and builds them the first time the model is called:
``call()`` runs on the input and every layer it calls builds its weights.
kerascheck interprets ``__init__`` and ``call()`` the same way, on:

- ``model(keras.Input(shape=...))`` or any symbolic tensor (also as a layer of
  a Functional or Sequential model),
- ``model(x)`` on an array of known shape (``np.zeros((1, 28, 28, 1))``,
  ``tf.zeros(...)``, ``keras.datasets`` data), the batch size included,
- ``model.fit(x, ...)`` on arrays of known shape (the batch axis None, as
  Keras shows it after fit()),
- ``model.build(input_shape)``: Keras 2 traced call() there; Keras 3 does not
  (the layers stay unbuilt until the first call, see KC216), so kerascheck
  reports the model as its first call on that shape builds it.

The ``training`` argument of ``call()`` is unknown unless the call passes a
boolean (``fit()`` passes True, ``predict()`` False): both branches of
``if training:`` run, and a shape is known only where they agree.  Whether a
layer with weights that only one branch calls gets built is unknown, so then
are the model's totals.  Operations inside ``call()`` run on backend tensors
(no rows, no Keras names), as in Keras.  A subclass that passes ``inputs`` and
``outputs`` to ``super().__init__`` is a Functional model, as in Keras.
"""

from __future__ import annotations

from typing import Any

import libcst as cst

from kerascheck.graph import Model, Operation, Tensor
from kerascheck.interpreter.values import LAZY, Arguments, Class, Function, Instance
from kerascheck.keras import masking
from kerascheck.keras.custom_layers import layers_in
from kerascheck.keras.session import Session
from kerascheck.keras.values import call_inputs, readable_shape, result_shape, tensors_for
from kerascheck.libraries.numpy_arrays import Array
from kerascheck.unknown import Unknown, is_unknown

UNKNOWN_NAME = "?"
TRAINING = "training"


def instantiate(session: Session, cls: Class, arguments: Arguments, node: cst.CSTNode, sequential: bool = False) -> Model:
    """``cls(*args, **kwargs)``: run ``__init__``; ``super().__init__`` names the model.
    A subclass of ``Sequential`` is a Sequential model (its layers come from
    ``super().__init__(layers)`` and ``self.add``), unless it defines call()."""
    model = session.host.born(Model(UNKNOWN_NAME, cls.name, node, kind="sequential" if sequential else "subclassed"))
    model.owner = session.host.born(Instance(cls, native=model))
    model.trace = lambda shapes: result_shape(trace(session, model, tensors_for(shapes), {}, model.source))
    context = session.host.context()  # how the model was reached (not its own __init__)
    init = cls.lookup("__init__")
    if isinstance(init, Function):
        session.host.call_function(init, arguments.but(positional=[model.owner, *arguments.positional]), node)
    else:
        model_init(session, model, arguments)
    model.context = context
    if model not in session.models and model.name == UNKNOWN_NAME and model.kind != "functional":
        model.uncertain = f"{cls.name}.__init__ does not call super().__init__() in a way kerascheck follows"
        session.register(model)
    if sequential and isinstance(cls.lookup("call"), Function):
        model.uncertain = model.uncertain or f"{cls.name} overrides Sequential.call(), which kerascheck does not follow"
    return model


def model_init(session: Session, model: Model, arguments: Arguments) -> None:
    """``keras.Model.__init__(*args, **kwargs)`` for an instance of a subclass."""
    args, kwargs = arguments.positional, arguments.keywords
    node = model.source
    assert node is not None  # instantiate() made the model at its call
    if model.kind == "sequential":
        session.make_sequential(args, kwargs, node, model=model)
        return
    if functional_arguments(args, kwargs):
        session.make_functional(args, kwargs, node, model=model)
        return
    if arguments.opaque:
        kwargs = {**kwargs, "name": Unknown("**kwargs")}
    name = kwargs.get("name")
    model.name = session.name.given(name, model.class_name)
    model.named = isinstance(name, str)
    if kwargs.get("trainable") is False:
        model.trainable = False
    session.register(model)


def functional_arguments(args: list, kwargs: dict) -> bool:
    """Keras's test for ``Model(inputs, outputs)`` called on a subclass."""
    return len(args) == 2 or (len(args) == 1 and "outputs" in kwargs) or ("inputs" in kwargs and "outputs" in kwargs)


def track(session: Session, model: Model, value: Any) -> None:
    """``self.attr = value`` in a method: Keras tracks the layers it holds."""
    for item in layers_in(value, model):
        if item not in model.tracked:
            model.tracked.append(item)
            model.rows = None
            if session.host.changes_uncertainly(model):
                model.uncertain = model.uncertain or "a layer is assigned under a condition kerascheck cannot evaluate"


def call(session: Session, model: Model, arguments: Arguments, node: cst.CSTNode) -> Any:
    """``model(x, ...)``: trace ``call()`` on ``x``; a node of the model when ``x`` is symbolic."""
    args, kwargs = call_inputs(arguments)
    if not args:
        return Unknown("a model called without inputs")
    first = _as_input(args[0])
    result = trace(session, model, first, kwargs, node, args[1:])
    return session.record(model, first, masking.model_call_mask(model, first, kwargs, arguments), result_shape(result))


def build(session: Session, model: Model, arguments: Arguments, node: cst.CSTNode) -> None:
    """``model.build(input_shape)``: traced as the first call on that shape (see the module doc)."""
    args, kwargs = arguments.positional, arguments.keywords
    shape = kwargs.get("input_shape", args[0] if args else None)
    if isinstance(model.owner.cls.lookup("build"), Function):
        model.uncertain = model.uncertain or f"{model.class_name} defines its own build(), which kerascheck does not follow"
        return
    session.facts.subclassed_builds.append((node, model, shape))
    if isinstance(shape, list) and shape and all(isinstance(s, (tuple, list)) for s in shape):
        inputs: Any = [Tensor(readable_shape(s)) for s in shape]
    elif isinstance(shape, (tuple, list)):
        inputs = Tensor(readable_shape(shape))
    else:
        inputs = Tensor(Unknown("the shape given to build() is not known"))
    trace(session, model, inputs, {}, node)


def fit(session: Session, model: Model, arguments: Arguments, node: cst.CSTNode) -> None:
    """``model.fit(x, ...)`` on arrays of known shape builds the model on their batches
    (the batch axis unknown, as Keras shows it); on a generator of the source
    (``fit(generator)``, Keras 2's ``fit_generator``), on its first batch, read
    as Keras reads it: ``(x, y)``, ``(x, y, sample_weight)`` or ``x``.  Other
    data leaves it unbuilt."""
    args, kwargs = arguments.positional, arguments.keywords
    data = kwargs.get("x", kwargs.get("generator", args[0] if args else None))
    if isinstance(data, LAZY):
        batch = session.host.next_item(data, node, None)
        data = tuple(batch) if isinstance(batch, list) else batch
        data = data[0] if isinstance(data, tuple) and 1 <= len(data) <= 3 else data
    inputs = _as_input(data)
    shapes: list[Any] = [t.shape for t in inputs] if isinstance(inputs, list) else [getattr(inputs, "shape", None)]
    if isinstance(inputs, dict) or any(is_unknown(s) or not isinstance(s, tuple) or not s for s in shapes):
        return
    batched = [Tensor((None, *s[1:])) for s in shapes]
    trace(session, model, batched if isinstance(inputs, list) else batched[0], {TRAINING: True}, node)


def trace(session: Session, model: Model, first: Any, kwargs: dict, node: Any, rest: list | tuple = ()) -> Any:
    """Run ``call(first, *rest, **kwargs)`` on the instance; the layers it calls are built."""
    function = model.owner.cls.lookup("call")
    if not isinstance(function, Function):
        model.uncertain = model.uncertain or f"{model.class_name}.call() is not defined in the analysed code"
        return Tensor(Unknown("call() is not known"))
    kwargs = dict(kwargs)
    if _takes(function, TRAINING, len(rest) + 2) and not isinstance(kwargs.get(TRAINING), bool):
        kwargs[TRAINING] = Unknown("the training flag (fit() passes True, predict() False)")
    calls: list[tuple[Operation, object | None]] = []  # each layer called, and the branch it was called in
    start = session.host.region
    session.traces.append(calls)
    session.scratch += 1
    try:
        result = session.host.call_function(function, Arguments([model.owner, first, *rest], kwargs), node)
    finally:
        session.scratch -= 1
        session.traces.pop()
    model.traced = True
    model.rows = None
    sure = {id(op) for op, region in calls if region is start}
    for op, _ in calls:
        if id(op) not in sure and _has_weights(op):
            model.uncertain = model.uncertain or (
                f"whether {op.name} is built depends on a condition kerascheck cannot evaluate (the training flag?)"
            )
    return result


def attribute(model: Model, name: str) -> Any:
    """``self.name`` in a method, for what Keras's ``Model`` provides (None: ask Keras)."""
    if name == "add_weight":
        return Unknown(f"{model.class_name}.add_weight: weights of a model itself are not modelled")
    return None


def _takes(function: Function, name: str, positional: int) -> bool:
    """Whether ``function`` has a parameter ``name`` not filled by the first ``positional`` arguments."""
    params = function.node.params
    ordered = [p.name.value for p in (*params.posonly_params, *params.params)]
    if name in ordered:
        return ordered.index(name) >= positional
    return any(p.name.value == name for p in params.kwonly_params)


def _has_weights(op: Operation) -> bool:
    trainable, frozen = op.param_counts()
    return trainable is None or frozen is None or trainable + frozen > 0


def _as_input(value: Any) -> Any:
    """What call() receives: symbolic tensors as they are; arrays of known shape
    (NumPy, ``tf.zeros``...) as tensors of that shape; anything else unknown."""
    if isinstance(value, Tensor):
        return value
    if isinstance(value, Array) and not is_unknown(value.shape):
        return Tensor(tuple(value.shape))
    if isinstance(value, (list, tuple)):
        return [_as_input(v) for v in value]
    if isinstance(value, dict):
        return {k: _as_input(v) for k, v in value.items()}
    return Tensor(Unknown("the model's input is not known"))
