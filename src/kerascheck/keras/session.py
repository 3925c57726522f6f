"""One analysis's Keras state, and the primitives that build the model graph.

A ``Session`` is what Keras keeps between calls in one program: the image data
format, the auto-naming counters (``naming``), the models built so far, and
what the program did that rules read (``graph.Facts``).  Its methods are what
Keras does when a layer, an input, a ``Sequential`` or a Functional ``Model``
is made, and what a call of a layer or an operation adds to the graph; the
``library`` dispatches the program's calls to them, and ``custom_layers`` and
``subclassed_models`` build with them too.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, Callable

import libcst as cst

from kerascheck import catalog
from kerascheck.catalog.base import Call, Invalid
from kerascheck.catalog.operations import ACTIVATION_FUNCTIONS, BINARY as BINARY_OPS, OP_PARAMETERS, UNARY as UNARY_OPS, Unary, operation
from kerascheck.graph import Facts, Layer, Model, Node, Op, Operation, Snapshot, Tensor
from kerascheck.interpreter.limits import AnalysisLimit
from kerascheck.interpreter.values import Arguments, Function
from kerascheck.keras import dynamic, masking
from kerascheck.keras.naming import UNKNOWN_NAME, Namer
from kerascheck.keras.values import as_tensors, flat, flatten_tensors, operand_shape, readable_shape, shapes_of, tensors_for
from kerascheck.libraries.numpy_arrays import Array, Scalar, dtype_of
from kerascheck.modelbuild import ensure_rows
from kerascheck.unknown import Unknown

if TYPE_CHECKING:
    from kerascheck.interpreter.library import Host

EAGER_MATH: dict[str, Callable[[float], float]] = {
    "sqrt": math.sqrt, "exp": math.exp, "log": math.log, "abs": abs, "square": lambda v: v * v,
    "ceil": math.ceil, "floor": math.floor,
}

#: why a call's output is unknown once the file's graphs are full (``Limits.max_calls``)
CALLS_SPENT = "the models of this file recorded the most layer and operation calls kerascheck follows"

#: the arguments of ``keras.ops`` functions that are shapes (``dynamic.sizes`` reads them)
SHAPE_PARAMETERS = ("newshape", "shape")


class _Detached:
    """The host of a session not attached to an interpreter: any use is a mistake."""

    def __getattr__(self, name: str) -> Any:
        raise RuntimeError("the Keras session is not attached to an interpreter")


_DETACHED: Any = _Detached()


class Session:
    """Keras semantics for one analysed file."""

    def __init__(self, data_format: str = "channels_last") -> None:
        self.data_format = data_format
        self.models: list[Model] = []
        self.config_changed = False  # set_epsilon() / set_floatx() ran: their values are not the defaults
        self.facts = Facts()
        self.name = Namer()
        self.host: Host = _DETACHED  # the interpreter running the program (``KerasLibrary.attach``)
        self.scratch = 0  # > 0 while a call() or a Lambda's function is traced: no rows, no names
        #: per Sequential model: how many of its layers ``chain_operations`` covers, the
        #: last of them, and their mask operations
        self.chains: dict[Model, tuple[int, Any, list[tuple[str, bool]]]] = {}
        #: the subclassed models' call()s being traced: each layer or model called, with
        #: the interpreter's uncertainty at the time
        self.traces: list[list[tuple[Operation, object | None]]] = []
        #: the models (and layers) the program changed after creating them, in order,
        #: and whether it changed what they hold (else only a trainable flag)
        self.touched: list[tuple[Operation, bool]] = []
        self.calls = 0  # the calls recorded in the graph (``Limits.max_calls``)

    def affords_call(self, node: cst.CSTNode | None) -> bool:
        """Whether one more call may be recorded in the graph (``Limits.max_calls``);
        the first one refused is reported at ``node``."""
        self.calls += 1
        limit = self.host.limits.max_calls
        if self.calls == limit + 1:
            self.host.limit_reached(f"the models of this file passed {limit:,} layer and operation calls", node)
        return self.calls <= limit

    def new_session(self) -> None:
        """``keras.backend.clear_session()``: auto-names start over."""
        self.name = Namer()

    def touch(self, op: Operation, structural: bool = True) -> None:
        """The program changes a model or layer it made earlier (``add``; not
        ``structural``: its ``trainable`` flag)."""
        self.touched.append((op, structural))

    def checkpoint(self) -> tuple[int, int, int]:
        return len(self.models), len(self.touched), self.name.made

    def abandoned(self, mark: tuple[int, int, int], reason: str) -> list[Operation]:
        """A statement that started at ``mark`` was cut short: the models it made or
        changed are uncertain (every model when it changed a layer, which any of
        them may hold), and auto-names after it unknown if it gave any.  Returns
        the models and layers whose ``trainable`` flag it set: what it would have
        set last is unknown (a model's split already fixed by its first
        ``summary()`` or ``compile()`` keeps it)."""
        models, touched, made = mark
        changed = self.touched[touched:]
        suspects = self.models[models:] + [op for op, structural in changed if structural and isinstance(op, Model)]
        if any(structural and not isinstance(op, Model) for op, structural in changed):
            suspects = self.models
        for model in suspects:
            model.uncertain = model.uncertain or reason
        if self.name.made != made:
            self.name.lost = True
        return list({id(op): op for op, structural in changed if not structural}.values())

    def unknown_layer(self, class_name: str, kwargs: dict, node: cst.CSTNode) -> Layer:
        name = kwargs.get("name")
        layer = self.host.born(Layer(self.name.given(name, class_name), class_name, node))
        layer.named = isinstance(name, str)
        layer.unknown_reason = f"{class_name} is not a layer kerascheck knows"
        return layer

    def layer_of_unknown_arguments(self, class_name: str, kwargs: dict, node: cst.CSTNode) -> Layer:
        """``Conv2D(32, 3, **options)`` with options of unknown content: any argument
        (``padding``, ``strides``, ``name``...) may be among them."""
        if "name" not in kwargs:
            kwargs = {**kwargs, "name": Unknown("**kwargs")}
        layer_type = catalog.lookup(class_name)
        assert layer_type is not None  # the caller looked it up
        layer = self.unknown_layer(layer_type.name, kwargs, node)
        layer.unknown_reason = f"{class_name} is given *args or **kwargs of unknown content"
        return layer

    def make_layer(self, class_name: str, args: list, kwargs: dict, node: cst.CSTNode, called_as: str = "") -> Layer:
        """Construct a catalog layer; ``called_as`` is the spelling used (an alias, ``merge``...)."""
        layer_type = catalog.lookup(class_name)
        if layer_type is None:
            return self.unknown_layer(class_name, kwargs, node)
        called_as = called_as or class_name
        config = layer_type.normalize(args, kwargs, called_as)
        if config.get("data_format") is None:
            config["data_format"] = self.data_format
        name = config.get("name")
        layer = Layer(
            self.name.given(name, layer_type.name),
            layer_type.name,
            node,
            type=layer_type,
            config=config,
            called_as=called_as,
            positional_count=len(args),
            keywords=tuple(kwargs),
            legacy_positional=_rewritten(layer_type.legacy_args(list(args), dict(kwargs), called_as)[0], args),
        )
        layer.named = isinstance(name, str)
        self.host.born(layer)
        refuse_unknown_keywords(layer, layer_type, kwargs)
        refuse_invalid_arguments(layer, layer_type)
        if config.get("trainable") is False:
            layer.trainable = False
        if layer_type.traced_function is not None:
            function = config.get(layer_type.traced_function)
            config["_shape_transform"] = self.lambda_transform(function, config.get("arguments"))
            if isinstance(config.get("output_shape"), Function):
                config["_declared_shape"] = self.shape_function(config["output_shape"])
        return layer

    def shape_function(self, function: Function) -> Callable[[Any], Any]:
        """A Lambda's ``output_shape=`` function: Keras calls it with the input
        shape (a list of shapes for several inputs) and takes what it returns."""

        def declared(shapes: Any) -> Any:
            try:
                result = self.host.call_function(function, Arguments([list(shapes) if isinstance(shapes, list) else shapes]))
            except AnalysisLimit:
                return Unknown("the Lambda's output_shape function is too complex")
            if is_shape(result):
                return tuple(result)
            if isinstance(result, list) and result and all(is_shape(s) for s in result):
                return [tuple(s) for s in result]
            return Unknown("the Lambda's output_shape function gives no shape kerascheck can read")

        return declared

    def lambda_transform(self, function: Any, arguments: Any) -> Callable[[Any], Any]:
        """What a Lambda's function does to a shape, found by interpreting it on a tensor."""

        def transform(shapes: Any) -> Any:
            if not isinstance(function, Function) or not isinstance(arguments, (dict, type(None))):
                return Unknown("the Lambda's function is not understood")
            saved, self.name = self.name, Namer()  # its operations are not rows of the model
            self.scratch += 1  # Keras traces it on backend tensors, as a custom layer's call()
            try:
                result = self.host.call_function(function, Arguments([tensors_for(shapes)], dict(arguments or {})))
            except AnalysisLimit:
                return Unknown("the Lambda's function is too complex")
            finally:
                self.name = saved
                self.scratch -= 1
            if isinstance(result, Tensor):
                return result.shape
            if isinstance(result, list) and result and all(isinstance(t, Tensor) for t in result):
                return [t.shape for t in result]
            return Unknown("the Lambda's function is not understood")

        return transform

    # ----------------------------------------------------------- inputs
    def make_input(self, args: list, kwargs: dict, node: cst.CSTNode) -> Tensor:
        shape = kwargs.get("shape", args[0] if args else None)
        batch_shape = kwargs.get("batch_shape")
        if batch_shape is None and kwargs.get("tensor") is not None and isinstance(kwargs["tensor"], Tensor):
            return kwargs["tensor"]
        full = _input_shape(shape, kwargs.get("batch_size"), batch_shape)
        layer = self.input_layer(full, kwargs.get("name"), node)
        return layer.nodes[0].outputs[0]

    def make_input_layer(self, args: list, kwargs: dict, node: cst.CSTNode) -> Layer:
        shape = kwargs.get("shape", kwargs.get("input_shape", args[0] if args else None))
        batch_shape = kwargs.get("batch_shape", kwargs.get("batch_input_shape"))
        full = _input_shape(shape, kwargs.get("batch_size"), batch_shape)
        return self.input_layer(full, kwargs.get("name"), node)

    def input_layer(self, shape: Any, name: Any, node: cst.CSTNode | None) -> Layer:
        layer = self.host.born(Layer(self.name.given(name, "InputLayer"), "InputLayer", node, is_input=True))
        layer.named = isinstance(name, str)
        tensor = Tensor(shape)
        input_node = Node(layer, [], [tensor])
        tensor.producer = input_node
        layer.nodes.append(input_node)
        return layer

    # ----------------------------------------------------------- models
    def make_sequential(self, args: list, kwargs: dict, node: cst.CSTNode, model: Model | None = None) -> Model:
        """``Sequential(layers, name=...)``; ``model``: an instance of a subclass
        calling ``super().__init__`` (named after its class, as in Keras)."""
        name = kwargs.get("name", args[1] if len(args) > 1 else None)
        if model is None:
            model = Model(self.name.given(name, "Sequential"), "Sequential", node, kind="sequential")
        else:
            model.name = self.name.given(name, model.class_name)
        model.named = isinstance(name, str)
        self.register(model)
        layers = kwargs.get("layers", args[0] if args else None)
        if layers is None:
            return model
        if isinstance(layers, (list, tuple)):
            for item in layers:
                self.sequential_add(model, item, node, rebuild=False)
            self.sequential_rebuilt(model)
        else:
            model.uncertain = "the list of layers is not known"
        return model

    def sequential_add(self, model: Model, item: Any, node: cst.CSTNode, rebuild: bool = True) -> None:
        """``model.add(item)``, consuming names as Keras does (its input layer, and
        the Functional it rebuilds internally)."""
        if isinstance(item, Tensor) and item.producer is not None and item.producer.is_input:
            item = item.producer.operation
        if not isinstance(item, (Layer, Model)):
            item = self.unknown_layer("?", {}, node)
            item.unknown_reason = "the added layer is not known"
        if self.host.changes_uncertainly(model):
            model.uncertain = "a layer is added under a condition kerascheck cannot evaluate"
            model.conditional_adds.append(item)
        model.rows = None
        if not model.sequence and not (isinstance(item, Layer) and item.is_input):
            declared = item.type.declared_input_shape(item.config) if isinstance(item, Layer) and item.type else None
            if declared is not None:
                self.name("InputLayer")
                model.sequence.append(Layer("input_layer", "InputLayer", item.source, is_input=True))
                model.declared_input = declared
        if isinstance(item, Layer) and item.is_input:
            model.declared_input = item.nodes[0].outputs[0].shape if item.nodes else None
        model.sequence.append(item)
        if rebuild:
            self.sequential_rebuilt(model)

    def sequential_rebuilt(self, model: Model) -> None:
        """Keras rebuilds a Sequential with an input after each change: a new Functional."""
        first = model.sequence[0] if model.sequence else None
        if isinstance(first, Layer) and first.is_input and len(model.sequence) > 1:
            self.sequential_built(model)

    def sequential_built(self, model: Model) -> None:
        """Keras builds a Sequential: it calls its layers on its input (their
        ``compute_mask`` operations take names) and makes a Functional of them."""
        for class_name, sure in self.chain_operations(model):
            self.name(class_name) if sure else self.name.unsure(class_name)
        self.name("Functional")

    def chain_operations(self, model: Model) -> list[tuple[str, bool]]:
        """The mask operations of a Sequential's layers (``masking.chain_operations``),
        kept as layers are added so that a loop of ``add`` stays linear."""
        sequence = model.sequence
        count, last, operations = self.chains.get(model, (0, None, []))
        if count > len(sequence) or (count and sequence[count - 1] is not last):
            count, operations = 0, []  # layers were popped
        if count < len(sequence):
            operations = operations + [o for op in sequence[count:] for o in masking.chain_operations(op)]
            self.chains[model] = (len(sequence), sequence[-1], operations)
        return operations

    def make_functional(self, args: list, kwargs: dict, node: cst.CSTNode, model: Model | None = None) -> Any:
        """``Model(inputs, outputs)``; ``model``: an instance of a subclass that
        passes them to ``super().__init__`` (Keras makes it a Functional)."""
        inputs = kwargs.get("inputs", kwargs.get("input", args[0] if args else None))
        outputs = kwargs.get("outputs", kwargs.get("output", args[1] if len(args) > 1 else None))
        name = kwargs.get("name")
        if inputs is None and outputs is None:
            return Unknown("Model() without inputs and outputs")
        if "input" in kwargs or "output" in kwargs:
            self.facts.legacy_calls.append((node, "Model", tuple(k for k in ("input", "output") if k in kwargs)))
        if model is None:
            model = Model(self.name.given(name, "Functional"), "Functional", node, kind="functional")
        else:
            model.name, model.kind = self.name.given(name, model.class_name), "functional"
        model.named = isinstance(name, str)
        model.inputs = flatten_tensors(inputs)
        model.outputs = flatten_tensors(outputs)
        if not model.inputs or not model.outputs or any(not isinstance(t, Tensor) for t in model.inputs + model.outputs):
            model.uncertain = "the model's inputs or outputs are not known"
            model.inputs = [t for t in model.inputs if isinstance(t, Tensor)]
            model.outputs = [t for t in model.outputs if isinstance(t, Tensor)]
        self.register(model)
        ensure_rows(model)
        return model

    def register(self, model: Model) -> None:
        if self.scratch or self.host.importing:
            return  # built by an imported module's body (reported with it) or inside a layer
        model.context = self.host.context()
        # whether a condition kerascheck cannot evaluate holds decides whether the model
        # exists, not its rows: a change under another one makes it uncertain
        model.condition = self.host.uncertain_node if self.host.uncertain else None
        self.host.born(model)
        self.models.append(model)

    def snapshot(self, model: Model, event: str) -> None:
        """``model.summary()`` or ``model.compile()``: note the trainable flags of its
        operations, which its report may show (``Model.split_moments``)."""
        if any(s.event == event and s.certain for s in model.snapshots):
            return  # only the first call that surely runs counts
        flags = {op: op.flag() for op in model.operations()}
        model.snapshots.append(Snapshot(event, flags, certain=not self.host.changes_uncertainly(model)))

    # ----------------------------------------------------------- calls
    def note_call(self, op: Operation) -> None:
        """A layer or model called while a subclassed model's call() is traced."""
        if self.traces:
            self.traces[-1].append((op, self.host.region))

    def record(self, operation: Operation, first: Any, named: dict, output: Any) -> Any:
        """Create the node of a call and its output tensor(s); unknown once the
        file's graphs hold ``Limits.max_calls`` calls."""
        if not self.affords_call(operation.source):
            return Unknown(f"{CALLS_SPENT} ({self.host.limits.max_calls:,})")
        inputs = [t for t in flat(first) + flat(list(named.values())) if isinstance(t, Tensor)]
        node = Node(operation, inputs, [], arguments=(first, named))
        if isinstance(output, list):
            node.outputs = [Tensor(shape, node, i) for i, shape in enumerate(output)]
            result: Any = list(node.outputs)
        else:
            node.outputs = [Tensor(output, node, 0)]
            result = node.outputs[0]
        operation.nodes.append(node)
        return result

    def call_op(self, function: str, args: list, kwargs: dict, node: cst.CSTNode) -> Any:
        """A ``keras.ops`` function on symbolic tensors: an operation row (none in a
        traced call(), where concrete tensors are backend tensors too)."""
        if self.scratch:
            args = [_backend_tensors(a) for a in args]
        tensors = [t for t in flat(args) if isinstance(t, Tensor)]
        if not tensors:
            return _eager_math(function, args, kwargs)
        op_type = operation(function)
        if op_type is None:
            return Tensor(Unknown(f"keras.ops.{function} is not modelled"))
        config: dict = {}
        first: Any
        if function in BINARY_OPS or function == "matmul":
            first = list(args[:2])
        elif function == "where":
            first = list(args[:3])
        elif function == "einsum":
            config["equation"] = args[0] if args else kwargs.get("subscripts")
            first = list(args[1:])
        else:
            first = args[0] if args else None
            config = dict(zip(OP_PARAMETERS.get(function, ()), args[1:]))
        config.update(kwargs)
        if getattr(op_type, "uses_data_format", False) and config.get("data_format") is None:
            config["data_format"] = self.data_format  # Keras's image_data_format()
        config = {k: dynamic.sizes(v) if k in SHAPE_PARAMETERS else v for k, v in config.items()}
        if self.scratch:
            config["_traced"] = True  # on backend tensors: TensorFlow's shape inference
        op = self.op_layer(op_type.name, node, op_type, config)
        if isinstance(first, list) and function != "concatenate" and function != "stack":
            shapes = [operand_shape(a) for a in first]
        else:
            first = as_tensors(first)
            shapes = shapes_of(first)
        return self.record(op, first, {}, op.apply(Call(shapes, {})))

    def call_activation(self, function: str, args: list, kwargs: dict, node: cst.CSTNode) -> Any:
        """``keras.activations.gelu(x)`` on a symbolic tensor: the operation of the
        ``keras.ops`` function it runs; ``relu`` one of its own (``ReLU``, any
        arguments); ``linear`` returns ``x``."""
        if function == "linear" and len(args) == 1 and not kwargs:
            return args[0]
        if function in ACTIVATION_FUNCTIONS:
            return self.call_op(ACTIVATION_FUNCTIONS[function], args, kwargs, node)
        if function != "relu":
            return Tensor(Unknown(f"keras.activations.{function} is not modelled"))
        plain = len(args) == 1 and not kwargs
        op = self.op_layer("ReLU", node, Unary("ReLU", "relu" if plain else None), {})
        first = as_tensors(args[0])
        return self.record(op, first, {}, op.apply(Call(shapes_of(first), {})))

    def op_layer(self, class_name: str, node: cst.CSTNode, op_type: Any, config: dict) -> Op:
        config = {k: v for k, v in config.items() if k != "name"}
        name = UNKNOWN_NAME if self.scratch else self.name(class_name)  # backend ops, in a layer's call()
        return Op(name, class_name, node, type=op_type, config=config)


def refuse_unknown_keywords(layer: Layer, layer_type: Any, kwargs: dict) -> None:
    """Keras 3 refuses a keyword its constructor does not take (KC107)."""
    unknown = layer_type.unknown_keywords(kwargs)
    if unknown:
        listed = ", ".join(f"{keyword}=" for keyword in unknown)
        layer.refuse("KC107", f"{layer_type.name} takes no argument {listed} (Keras 3: 'Unrecognized keyword arguments')")


def refuse_invalid_arguments(layer: Layer, layer_type: Any) -> None:
    """Keras 3's constructor refuses an argument whatever the input (a rate outside
    [0, 1]): reported on a layer never called on a known shape too."""
    if layer.problems:
        return
    try:
        layer_type.check_arguments(layer.config)
    except Invalid as exc:
        layer.refuse(exc.code or "KC107", str(exc))


def _input_shape(shape: Any, batch_size: Any, batch_shape: Any) -> Any:
    if batch_shape is not None:
        return readable_shape(batch_shape) if isinstance(batch_shape, (tuple, list)) else Unknown("batch_shape")
    if isinstance(shape, int) and not isinstance(shape, bool):
        shape = (shape,)
    if not isinstance(shape, (tuple, list)):
        return Unknown("the input shape is not known")
    return readable_shape((batch_size, *shape))


def _rewritten(args: list, original: list) -> bool:
    """Whether a layer type's ``legacy_args`` changed the positional arguments."""
    return len(args) != len(original) or any(a is not b for a, b in zip(args, original))


def _eager_math(function: str, args: list, kwargs: dict) -> Any:
    """A ``keras.ops`` function without a symbolic tensor is not a graph operation:
    ``keras.ops.sqrt(8.0)`` on plain numbers is computed at once, an elementwise one
    of a size known only when the model runs is another, a shape-preserving one of
    a concrete tensor (``keras.ops.cast(64, "float32")``, ``ops.sqrt`` of it) is a
    tensor of that shape."""
    operands = args[:2] if function in BINARY_OPS else args[:1]
    if (function in BINARY_OPS or function in UNARY_OPS) and dynamic.of_scalars(operands):
        return dynamic.Dynamic()
    if function in EAGER_MATH and len(args) == 1 and not kwargs and isinstance(args[0], (int, float)):
        try:
            return float(EAGER_MATH[function](args[0]))
        except (ValueError, OverflowError):
            return Unknown(f"{function}() of {args[0]}")
    if function in UNARY_OPS and operands and _concrete(operands[0]):
        shape = operands[0].shape if isinstance(operands[0], Array) else ()
        if function == "cast":
            return Array(shape, dtype_of(kwargs.get("dtype", args[1] if len(args) > 1 else None)))
        return Array(shape, Unknown("the dtype"))
    return Unknown(f"{function}() is not modelled")


def is_shape(value: Any) -> bool:
    """Whether ``value`` reads as one tensor shape (its axes ints, None or unknown)."""
    return isinstance(value, (tuple, list)) and all(
        d is None or isinstance(d, Unknown) or (isinstance(d, int) and not isinstance(d, bool)) for d in value
    )


def _backend_tensors(value: Any) -> Any:
    """An argument of a function in a traced call(): its NumPy arrays and concrete
    tensors (``keras.ops.ones(...)``) are tensors there."""
    if isinstance(value, Array) and isinstance(value.shape, tuple) and not value.ragged:
        return Tensor(value.shape)
    if isinstance(value, (list, tuple)):
        return type(value)(_backend_tensors(v) for v in value)
    return value


def _concrete(value: Any) -> bool:
    """A concrete tensor's value: a NumPy array or scalar, or a plain number."""
    if isinstance(value, bool):
        return False
    return isinstance(value, (Array, Scalar, int, float))
