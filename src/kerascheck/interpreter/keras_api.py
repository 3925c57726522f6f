"""What Keras does when the analysed code calls it, on abstract values.

Constructing a layer, calling it on tensors, ``keras.Input``, ``Sequential``,
``Model(inputs, outputs)``, tensor arithmetic, the attributes and methods of
layers, tensors and models: each builds or reads the model graph.
"""

from __future__ import annotations

import math
from typing import Any

import libcst as cst

from kerascheck import catalog
from kerascheck.catalog.base import Call, to_snake_case
from kerascheck.catalog.operations import BINARY as BINARY_OPS, OP_PARAMETERS, operation
from kerascheck.graph import Facts, Layer, Model, Node, Op, Operation, Tensor
from kerascheck.interpreter import arrays, custom_layers, datasets, keras_internals, masking, subclassed_models
from kerascheck.interpreter.values import Class, Function, Instance, Opaque, Ref
from kerascheck.modelbuild import ensure_rows, replay_model, sequential_input
from kerascheck.unknown import Unknown, contains_unknown, is_unknown

MERGE_FUNCTIONS = {
    "add": "Add",
    "subtract": "Subtract",
    "multiply": "Multiply",
    "average": "Average",
    "maximum": "Maximum",
    "minimum": "Minimum",
    "concatenate": "Concatenate",
    "dot": "Dot",
}
OPAQUE_MODULES = (
    "optimizers",
    "regularizers",
    "initializers",
    "constraints",
    "losses",
    "metrics",
    "callbacks",
    "activations",
)
TENSOR_OPERATORS = {
    cst.Add: "add",
    cst.Subtract: "subtract",
    cst.Multiply: "multiply",
    cst.Divide: "true_divide",
    cst.Power: "power",
    cst.MatrixMultiply: "matmul",
    cst.GreaterThan: "greater",
    cst.GreaterThanEqual: "greater_equal",
    cst.LessThan: "less",
    cst.LessThanEqual: "less_equal",
    cst.Equal: "equal",
    cst.NotEqual: "not_equal",
}
EAGER_MATH = {"sqrt": math.sqrt, "exp": math.exp, "log": math.log, "abs": abs, "square": lambda v: v * v}
#: the names a layer's first call argument goes by (``layer(query=q, value=v)``)
FIRST_CALL_ARGUMENT = ("inputs", "query", "sequences", "x")
DATA_FORMAT_SETTERS = ("set_image_data_format", "set_image_dim_ordering")
DIM_ORDERING = {"th": "channels_first", "tf": "channels_last"}


UNKNOWN_NAME = "?"


class Namer:
    """Keras's auto-naming in a fresh session: ``dense``, ``dense_1``..."""

    def __init__(self) -> None:
        self.counts: dict[str, int] = {}
        self.uncertain: set[str] = set()  # prefixes whose count is not known
        #: a layer's call() is being traced: Keras may trace it more than once, so
        #: how many names a layer made there takes is unknown
        self.tracing = False

    def __call__(self, class_name: str) -> str:
        prefix = to_snake_case(class_name)
        if self.tracing:
            self.uncertain.add(prefix)
            return UNKNOWN_NAME
        count = self.counts.get(prefix, 0)
        self.counts[prefix] = count + 1
        if prefix in self.uncertain:
            return UNKNOWN_NAME
        return prefix if count == 0 else f"{prefix}_{count}"

    def given(self, name: Any, class_name: str) -> str:
        """The name of an object created with ``name=name``: Keras auto-names it
        when ``name`` is None.  An unknown name may be None, so it is unknown, and
        so are the later auto-names it may have shifted."""
        if isinstance(name, str):
            return name
        if name is None:
            return self(class_name)
        self.uncertain.add(to_snake_case(class_name))
        return UNKNOWN_NAME


class KerasAPI:
    """Keras semantics for one analysed file."""

    def __init__(self, data_format: str = "channels_last") -> None:
        self.data_format = data_format
        self.models: list[Model] = []
        self.facts = Facts()
        self.name = Namer()
        self.interp: Any = None  # the Interpreter, set by it
        self.scratch = 0  # > 0 while a custom layer's call() is traced: no rows, no names
        #: the subclassed models' call()s being traced: each layer or model called, with
        #: the interpreter's uncertainty at the time
        self.traces: list[list[tuple[Operation, int]]] = []

    # ----------------------------------------------------------- names
    def new_session(self) -> None:
        """``keras.backend.clear_session()``: auto-names start over."""
        self.name = Namer()

    def knows(self, ref: Ref) -> bool:
        """Whether ``from MODULE import *`` provides ``ref`` (for star imports)."""
        if not ref.is_keras:
            return False
        last = ref.last
        return (
            catalog.lookup(last) is not None
            or (".layers" in ref.path and last[:1].isupper())
            or last in ("Input", "InputLayer", "Sequential", "Model", "merge", "Merge")
            or last in MERGE_FUNCTIONS
        )

    # ----------------------------------------------------------- calls
    def call_ref(self, ref: Ref, args: list, kwargs: dict, node: cst.CSTNode) -> Any:
        last, path = ref.last, ref.path
        raw_kwargs, kwargs = kwargs, {k: v for k, v in kwargs.items() if k != "__unknown_args__"}
        if last in ("set_image_dim_ordering", "image_dim_ordering"):
            self.facts.legacy_calls.append((node, last, args[0] if args else None))
        if last in DATA_FORMAT_SETTERS and args:
            value = args[0]
            if isinstance(value, str):
                self.data_format = DIM_ORDERING.get(value, value)
            return None
        if last == "image_data_format":
            return self.data_format
        if last == "image_dim_ordering":
            return "th" if self.data_format == "channels_first" else "tf"
        if last in ("int_shape", "shape") and args and isinstance(args[0], Tensor):
            return args[0].shape
        helper = keras_internals.call(last, args, kwargs, self.data_format)
        if helper is not keras_internals.NOT_A_HELPER:
            return helper
        data = datasets.call(path, args, raw_kwargs, self.data_format)
        if data is not datasets.NOT_DATA:
            return data
        if path.startswith(("keras.ops.", "keras.random.")) and not _has_tensor(args):
            created = arrays.create(path.split(".", 2)[2], args, kwargs, tensor=True)
            if created is not arrays.NOT_ARRAY:
                return created
        if ".ops." in path + "." or path.startswith("keras.backend."):
            return self.call_op(last, args, kwargs, node)
        if last == "Input":
            return self.make_input(args, kwargs, node)
        if last == "InputLayer":
            return self.make_input_layer(args, kwargs, node)
        if last == "Sequential":
            return self.make_sequential(args, kwargs, node)
        if last in ("Model", "Functional"):
            return self.make_functional(args, kwargs, node)
        if last in MERGE_FUNCTIONS and ".layers" in path:
            layer = self.make_layer(MERGE_FUNCTIONS[last], args[1:], kwargs, node, called_as=last)
            return self.call_layer(layer, args[:1], {}, node)
        if last in ("merge", "Merge"):
            return self.legacy_merge(last, args, kwargs, node)
        if catalog.lookup(last) is not None:
            if "__unknown_args__" in raw_kwargs:
                return self.layer_of_unknown_arguments(last, kwargs, node)
            return self.make_layer(last, args, kwargs, node)
        module = path.split(".")[1] if "." in path else ""
        if module in OPAQUE_MODULES:
            return Opaque(path, dict(kwargs), tuple(args), complete="__unknown_args__" not in raw_kwargs)
        if last[:1].isupper() and ".layers" in path:
            return self.unknown_layer(last, kwargs, node)
        return Unknown(f"{path}() is not modelled")

    def call_foreign(self, label: str, args: list, kwargs: dict, node: cst.CSTNode) -> Any:
        """A call into code kerascheck cannot see (another module, a library)."""
        from kerascheck.interpreter.engine import Foreign

        if label[:1].isupper():
            return self.unknown_layer(label, kwargs, node)
        if _has_tensor(args) or _has_tensor(list(kwargs.values())):
            return Tensor(Unknown(f"{label}() is defined outside this file"))
        return Foreign(label or "a value")

    def unknown_layer(self, class_name: str, kwargs: dict, node: cst.CSTNode) -> Layer:
        name = kwargs.get("name")
        layer = Layer(self.name.given(name, class_name), class_name, node)
        layer.named = isinstance(name, str)
        layer.unknown_reason = f"{class_name} is not a layer kerascheck knows"
        return layer

    def layer_of_unknown_arguments(self, class_name: str, kwargs: dict, node: cst.CSTNode) -> Layer:
        """``Conv2D(32, 3, **options)`` with options of unknown content: any argument
        (``padding``, ``strides``, ``name``...) may be among them."""
        if "name" not in kwargs:
            kwargs = {**kwargs, "name": Unknown("**kwargs")}
        layer = self.unknown_layer(catalog.lookup(class_name).name, kwargs, node)
        layer.unknown_reason = f"{class_name} is given *args or **kwargs of unknown content"
        return layer

    def make_layer(self, class_name: str, args: list, kwargs: dict, node: cst.CSTNode, called_as: str = "") -> Layer:
        """Construct a catalog layer; ``called_as`` is the spelling used (an alias, ``merge``...)."""
        layer_type = catalog.lookup(class_name)
        if layer_type is None:
            return self.unknown_layer(class_name, kwargs, node)
        called_as = called_as or class_name
        config = layer_type.normalize(args, kwargs, called_as)
        if not config.get("data_format"):
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
            keywords=tuple(k for k in kwargs if k != "__unknown_args__"),
            legacy_positional=_rewritten(layer_type.legacy_args(list(args), dict(kwargs), called_as)[0], args),
        )
        layer.named = isinstance(name, str)
        if config.get("trainable") is False:
            layer.trainable = False
        if layer_type.name == "Lambda":
            config["_shape_transform"] = self.lambda_transform(config.get("function"), config.get("arguments"))
        return layer

    def lambda_transform(self, function: Any, arguments: Any):
        """What a Lambda's function does to a shape, found by interpreting it on a tensor."""
        from kerascheck.interpreter.engine import AnalysisLimit
        from kerascheck.interpreter.values import Function

        def transform(shapes: Any) -> Any:
            if not isinstance(function, Function) or not isinstance(arguments, (dict, type(None))):
                return Unknown("the Lambda's function is not understood")
            saved, self.name = self.name, Namer()  # its operations are not rows of the model
            try:
                result = self.interp.call_function(function, [custom_layers.tensors_for(shapes)], dict(arguments or {}))
            except AnalysisLimit:
                return Unknown("the Lambda's function is too complex")
            finally:
                self.name = saved
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
        layer = Layer(self.name.given(name, "InputLayer"), "InputLayer", node, is_input=True)
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
        if self.interp is not None and self.interp.uncertain:
            model.uncertain = "a layer is added under a condition kerascheck cannot evaluate"
        if isinstance(item, Tensor) and item.producer is not None and item.producer.is_input:
            item = item.producer.operation
        if not isinstance(item, (Layer, Model)):
            item = self.unknown_layer("?", {}, node)
            item.unknown_reason = "the added layer is not known"
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
            self.name("Functional")

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
        model.inputs = _flatten_tensors(inputs)
        model.outputs = _flatten_tensors(outputs)
        if not model.inputs or not model.outputs or any(not isinstance(t, Tensor) for t in model.inputs + model.outputs):
            model.uncertain = "the model's inputs or outputs are not known"
            model.inputs = [t for t in model.inputs if isinstance(t, Tensor)]
            model.outputs = [t for t in model.outputs if isinstance(t, Tensor)]
        self.register(model)
        ensure_rows(model)
        return model

    def register(self, model: Model) -> None:
        if self.scratch or (self.interp is not None and self.interp.importing):
            return  # built by an imported module's body (reported with it) or inside a layer
        if self.interp is not None:
            model.context = self.interp.context()
            if self.interp.uncertain and not model.uncertain:
                model.uncertain = "the model is built under a condition kerascheck cannot evaluate"
        self.models.append(model)

    def instantiate_subclass(self, cls: Class, base: str, args: list, kwargs: dict, node: cst.CSTNode) -> Any:
        """A subclass of ``keras.Model`` or of a Keras layer defined in the file.

        A model is interpreted by ``subclassed_models``; a subclass of
        ``keras.layers.Layer`` or of a concrete layer of the catalog
        (``class MyDense(Dense)``) by ``custom_layers``.  Otherwise (a base
        kerascheck does not know, ``__call__`` overridden...) its ``__init__``
        runs (the layers it creates take their Keras names) and the layer is
        unknown.
        """
        if base in ("Model", "Sequential"):
            return subclassed_models.instantiate(self, cls, args, kwargs, node, sequential=base == "Sequential")
        if custom_layers.keras_layer_subclass(cls):
            return custom_layers.instantiate(self, cls, args, kwargs, node)
        concrete = custom_layers.concrete_base(cls)
        if concrete is not None:
            return custom_layers.instantiate_concrete(self, cls, concrete, args, kwargs, node)
        obj = self.unknown_layer(cls.name, kwargs, node)
        obj.unknown_reason = f"{cls.name} subclasses a Keras layer kerascheck does not interpret, or overrides __call__"
        init = cls.lookup("__init__")
        if isinstance(init, Function):
            self.interp.call_function(init, [Instance(cls), *args], dict(kwargs), node=node)
        return obj

    # ----------------------------------------------------------- calling
    def call_layer(self, layer: Layer, args: list, kwargs: dict, node: cst.CSTNode) -> Any:
        first_name = next((k for k in FIRST_CALL_ARGUMENT if k in kwargs), None)
        if not args and first_name is not None:
            args = [kwargs.pop(first_name)]
        if not args:
            return Unknown("a layer called without inputs")
        first = _as_tensors(args[0])
        call_args = getattr(layer.type, "call_args", ())
        named = {name: value for name, value in zip(call_args, args[1:])}
        named.update({k: v for k, v in kwargs.items() if k != "__unknown_args__"})
        call = Call(_shapes(first), {k: _shapes(v) for k, v in named.items()})
        if not layer.nodes and layer.type is not None:
            for sublayer in layer.type.built_sublayers:
                self.name(sublayer)
        output = layer.apply(call)
        mask = masking.input_mask(first)
        view = custom_layers.mask_view(layer)  # a subclass of a concrete layer masks as its base
        takes_mask = view.takes_mask if view else masking.takes_mask(layer)
        if mask is not None and takes_mask and "mask" not in named:
            named["mask"] = mask  # Keras passes the mask along: it is an input of the call
        result = self.record(layer, first, named, output)
        self.note_call(layer)
        out_mask = view.output_mask(self, first, mask, node) if view else masking.output_mask(self, layer, first, mask, node)
        if isinstance(result, Tensor):
            result.mask = out_mask
        return result

    def note_call(self, op: Operation) -> None:
        """A layer or model called while a subclassed model's call() is traced."""
        if self.traces:
            self.traces[-1].append((op, self.interp.uncertain))

    def record(self, operation: Operation, first: Any, named: dict, output: Any) -> Any:
        """Create the node of a call and its output tensor(s)."""
        inputs = [t for t in _flat(first) + _flat(list(named.values())) if isinstance(t, Tensor)]
        node = Node(operation, inputs, [], arguments=(first, named))
        if isinstance(output, list):
            node.outputs = [Tensor(shape, node, i) for i, shape in enumerate(output)]
            result: Any = list(node.outputs)
        else:
            node.outputs = [Tensor(output, node, 0)]
            result = node.outputs[0]
        operation.nodes.append(node)
        return result

    def call_model(self, model: Model, args: list, kwargs: dict, node: cst.CSTNode) -> Any:
        self.note_call(model)
        if model.kind == "subclassed":
            return subclassed_models.call(self, model, args, kwargs, node)
        if not args and "inputs" in kwargs:
            args = [kwargs.pop("inputs")]
        if not args:
            return Unknown("a model called without inputs")
        first = _as_tensors(args[0])
        if model.kind == "sequential" and sequential_input(model) is None:
            self.name("InputLayer")
            self.name("Functional")
            shapes = _shapes(first)
            model.declared_input = shapes if not isinstance(shapes, list) else Unknown("several inputs")
            model.rows = None
        ensure_rows(model)
        output = replay_model(model, _shapes(first))
        return self.record(model, first, {}, output)

    def call_op(self, function: str, args: list, kwargs: dict, node: cst.CSTNode) -> Any:
        """A ``keras.ops`` function on symbolic tensors: an operation row."""
        tensors = [t for t in _flat(args) if isinstance(t, Tensor)]
        if not tensors:
            return _eager_math(function, args, kwargs)
        op_type = operation(function)
        if op_type is None:
            return Tensor(Unknown(f"keras.ops.{function} is not modelled"))
        config: dict = {}
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
        op = self.op_layer(op_type.name, node, op_type, config)
        if isinstance(first, list) and function != "concatenate" and function != "stack":
            shapes = [_operand_shape(a) for a in first]
        else:
            first = _as_tensors(first)
            shapes = _shapes(first)
        return self.record(op, first, {}, op.apply(Call(shapes, {})))

    def op_layer(self, class_name: str, node: cst.CSTNode, op_type: Any, config: dict) -> Op:
        config = {k: v for k, v in config.items() if k != "name"}
        name = UNKNOWN_NAME if self.scratch else self.name(class_name)  # backend ops, in a layer's call()
        return Op(name, class_name, node, type=op_type, config=config)

    def tensor_binary(self, op_type: type, left: Any, right: Any, node: cst.CSTNode) -> Any:
        function = TENSOR_OPERATORS.get(op_type)
        if function is None:
            return Tensor(Unknown("tensor operator not modelled"))
        return self.call_op(function, [left, right], {}, node)

    def tensor_unary(self, operator: cst.BaseUnaryOp, value: Tensor, node: cst.CSTNode) -> Any:
        if isinstance(operator, cst.Minus):
            return self.call_op("negative", [value], {}, node)
        if isinstance(operator, cst.Plus):
            return value
        return Tensor(Unknown("tensor operator not modelled"))

    def tensor_getitem(self, tensor: Tensor, key: Any, node: cst.CSTNode) -> Any:
        op = self.op_layer("GetItem", node, operation("get_item"), {"key": key})
        return self.record(op, tensor, {}, op.apply(Call(tensor.shape)))

    def legacy_merge(self, called_as: str, args: list, kwargs: dict, node: cst.CSTNode) -> Any:
        from kerascheck.catalog.merging import legacy_merge_layer

        mode = kwargs.pop("mode", "sum")
        if not isinstance(mode, str):
            return Tensor(Unknown("merge mode is not known"))
        class_name, changes = legacy_merge_layer(mode, kwargs)
        if class_name is None:
            return Tensor(Unknown(f"merge mode {mode!r} is not modelled"))
        layer = self.make_layer(class_name, [], changes, node, called_as=called_as)
        if called_as == "Merge" or not args:
            return layer
        return self.call_layer(layer, args[:1], {}, node)

    # ----------------------------------------------------------- attributes
    def get_attribute(self, obj: Any, name: str, node: cst.CSTNode) -> Any:
        if isinstance(obj, Tensor):
            if name == "_keras_shape":
                self.facts.legacy_attributes.append((node, name))
            return self.tensor_attribute(obj, name)
        if isinstance(obj, Model):
            return self.model_attribute(obj, name)
        return self.layer_attribute(obj, name, node)

    def tensor_attribute(self, tensor: Tensor, name: str) -> Any:
        if name in ("shape", "_keras_shape"):
            return tensor.shape
        if name == "ndim":
            return Unknown("rank") if is_unknown(tensor.shape) else len(tensor.shape)
        if name == "get_shape":
            return KerasMethod(tensor, name)
        return Unknown(f"tensor.{name}")

    def layer_attribute(self, layer: Layer, name: str, node: cst.CSTNode) -> Any:
        if name in ("output", "input"):
            if not layer.nodes:
                return Unknown(f"the layer has no {name} yet")
            node = layer.nodes[-1]
            tensors = node.outputs if name == "output" else node.inputs
            return tensors[0] if len(tensors) == 1 else list(tensors)
        if name in ("output_shape", "input_shape"):
            self.facts.legacy_attributes.append((node, name))
            value = self.layer_attribute(layer, name.split("_")[0], node)
            return value.shape if isinstance(value, Tensor) else Unknown(name)
        if name == "name":
            return layer.name
        if name == "trainable":
            return layer.trainable
        if name in layer.config:
            return layer.config[name]
        if name in ("count_params", "get_config", "get_weights", "set_weights", "build"):
            return KerasMethod(layer, name)
        return Unknown(f"layer.{name}")

    def model_attribute(self, model: Model, name: str) -> Any:
        if name == "layers":
            return self.model_layers(model)
        if name in ("output", "outputs", "input", "inputs"):
            ensure_rows(model)
            tensors = model.outputs if name.startswith("output") else model.inputs
            if name.endswith("s"):
                return list(tensors)
            return tensors[0] if len(tensors) == 1 else list(tensors)
        if name in ("output_shape", "input_shape"):
            value = self.model_attribute(model, name.split("_")[0])
            return value.shape if isinstance(value, Tensor) else Unknown(name)
        if name == "name":
            return model.name
        if name == "trainable":
            return model.trainable
        return KerasMethod(model, name)

    def model_layers(self, model: Model) -> Any:
        if model.kind == "subclassed":
            return list(model.tracked)
        if model.kind == "sequential":
            return [op for op in model.sequence if not (isinstance(op, Layer) and op.is_input)]
        ensure_rows(model)
        inputs = [t.producer.operation for t in model.inputs if t.producer is not None and t.producer.is_input]
        ops = [r.operation for r in model.rows or [] if not isinstance(r.operation, Op)]
        return inputs + ops

    def set_attribute(self, obj: Any, name: str, value: Any, uncertain: bool) -> None:
        if isinstance(obj, Operation) and name == "trainable":
            if uncertain or is_unknown(value):
                if isinstance(obj, Model):
                    obj.uncertain = obj.uncertain or "trainable is set under an unknown condition"
                else:
                    obj.weights_reason = "trainable is set under an unknown condition"
                    obj.weights = None
                return
            set_trainable(obj, bool(value))

    def instance_attribute(self, instance: Instance, name: str) -> Any:
        if isinstance(instance.keras, Layer):
            return custom_layers.attribute(instance, name)
        if isinstance(instance.keras, Model):
            found = subclassed_models.attribute(instance.keras, name)
            return found if found is not None else self.model_attribute(instance.keras, name)
        return Unknown(f"{instance.cls.name}.{name}")

    def super_attribute(self, receiver: Instance, name: str) -> Any:
        """``super().name`` in a method of a Layer or Model subclass: Keras's."""
        if isinstance(receiver.keras, (Layer, Model)):
            return KerasMethod(receiver, f"super.{name}")
        return Unknown(f"super().{name}")

    # ----------------------------------------------------------- methods
    def call_method(self, receiver: Any, name: str, args: list, kwargs: dict, node: cst.CSTNode) -> Any:
        if isinstance(receiver, KerasMethod):
            receiver, name = receiver.receiver, receiver.name
        if isinstance(receiver, Instance) and isinstance(receiver.keras, Layer):
            return custom_layers.method(self, receiver, name, args, kwargs)
        if isinstance(receiver, Instance) and isinstance(receiver.keras, Model):
            if name == "super.__init__":
                return subclassed_models.model_init(self, receiver.keras, args, kwargs)
            receiver, name = receiver.keras, name.removeprefix("super.")
        if isinstance(receiver, Model):
            return self.model_method(receiver, name, args, kwargs, node)
        if isinstance(receiver, Tensor) and name == "get_shape":
            return receiver.shape
        if isinstance(receiver, Layer) and name == "count_params":
            trainable, frozen = receiver.param_counts()
            return Unknown("parameter count") if trainable is None or frozen is None else trainable + frozen
        return Unknown(f".{name}()")

    def model_method(self, model: Model, name: str, args: list, kwargs: dict, node: cst.CSTNode) -> Any:
        if name == "add" and args:
            if model.kind == "sequential":
                self.sequential_add(model, args[0], node)
            return None
        if name == "pop" and model.kind == "sequential" and model.sequence:
            model.rows = None
            popped = model.sequence.pop()
            self.sequential_rebuilt(model)
            return popped
        if name == "compile":
            # optimizer and loss are the first two parameters in Keras 2 and 3 alike
            positional = {} if "__unknown_args__" in kwargs else dict(zip(("optimizer", "loss"), args))
            model.compile_args = {**positional, **{k: v for k, v in kwargs.items() if k != "__unknown_args__"}}
            model.compile_source = node
            return None
        if name == "build" and model.kind == "subclassed":
            return subclassed_models.build(self, model, args, kwargs, node)
        if name == "build":
            shape = kwargs.get("input_shape", args[0] if args else None)
            if model.kind == "sequential":
                model.declared_input = tuple(shape) if isinstance(shape, (list, tuple)) else Unknown("build shape")
                model.rows = None
                if not (model.sequence and isinstance(model.sequence[0], Layer) and model.sequence[0].is_input):
                    self.name("InputLayer")
                self.name("Functional")
            return None
        if name == "count_params":
            ensure_rows(model)
            trainable, frozen = model.totals()
            return Unknown("parameter count") if trainable is None or frozen is None else trainable + frozen
        if name == "get_layer":
            target = kwargs.get("name", args[0] if args else None)
            index = kwargs.get("index")
            layers = self.model_layers(model)
            if isinstance(index, int) and not isinstance(layers, Unknown):
                return layers[index] if -len(layers) <= index < len(layers) else Unknown("layer index")
            for layer in layers if isinstance(layers, list) else []:
                if layer.name == target:
                    return layer
            return Unknown(f"layer {target!r}")
        if name == "fit" and model.kind == "subclassed" and not model.traced:
            subclassed_models.fit(self, model, args, kwargs, node)
        if name in ("summary", "fit", "fit_generator", "evaluate", "predict", "save", "save_weights", "load_weights"):
            ensure_rows(model) if name == "summary" else None
            return None if name in ("summary", "save", "save_weights", "load_weights") else Unknown(name)
        return Unknown(f"model.{name}()")


def set_trainable(op: Operation, flag: bool) -> None:
    """``op.trainable = flag``: Keras applies it to every layer inside a model too."""
    op.trainable = flag
    if isinstance(op, Model):
        ensure_rows(op)
        for inner in [*op.sequence, *(row.operation for row in op.rows or [])]:
            set_trainable(inner, flag)


class KerasMethod:
    """A method of a Keras object, bound to its receiver."""

    def __init__(self, receiver: Any, name: str) -> None:
        self.receiver = receiver
        self.name = name


# ---------------------------------------------------------------- helpers
def _input_shape(shape: Any, batch_size: Any, batch_shape: Any) -> Any:
    if batch_shape is not None:
        return tuple(batch_shape) if isinstance(batch_shape, (tuple, list)) else Unknown("batch_shape")
    if isinstance(shape, int) and not isinstance(shape, bool):
        shape = (shape,)
    if not isinstance(shape, (tuple, list)):
        return Unknown("the input shape is not known")
    return (batch_size, *shape)


def _rewritten(args: list, original: list) -> bool:
    """Whether a layer type's ``legacy_args`` changed the positional arguments."""
    return len(args) != len(original) or any(a is not b for a, b in zip(args, original))


def _flat(value: Any) -> list:
    if isinstance(value, (list, tuple)):
        out: list = []
        for item in value:
            out.extend(_flat(item))
        return out
    if isinstance(value, dict):  # Keras flattens a dict in key order
        return _flat([value[k] for k in sorted(value)])
    return [value]


def _flatten_tensors(value: Any) -> list:
    return _flat(value) if value is not None else []


def _has_tensor(values: list) -> bool:
    return any(isinstance(v, Tensor) for v in _flat(values))


def _as_tensors(value: Any) -> Any:
    """A layer's first argument: tensors stay, anything else becomes an unknown tensor."""
    if isinstance(value, Tensor):
        return value
    if isinstance(value, (list, tuple)):
        return [_as_tensors(v) for v in value]
    if isinstance(value, dict):
        return {k: _as_tensors(v) for k, v in value.items()}
    return Tensor(Unknown("the layer's input is not known"))


def _shapes(value: Any) -> Any:
    if isinstance(value, Tensor):
        return value.shape
    if isinstance(value, (list, tuple)):
        return [_shapes(v) for v in value]
    if isinstance(value, dict):
        return {k: _shapes(v) for k, v in value.items()}
    return value


def _eager_math(function: str, args: list, kwargs: dict) -> Any:
    """``keras.ops.sqrt(8.0)`` on plain numbers is computed at once, not a graph operation."""
    if function in EAGER_MATH and len(args) == 1 and not kwargs and isinstance(args[0], (int, float)):
        try:
            return float(EAGER_MATH[function](args[0]))
        except (ValueError, OverflowError):
            return Unknown(f"{function}() of {args[0]}")
    return Unknown(f"{function}() is not modelled")


def _operand_shape(value: Any) -> Any:
    """The shape of an operand of tensor arithmetic (a Python number is a scalar)."""
    if isinstance(value, Tensor):
        return value.shape
    if isinstance(value, (int, float)) and not contains_unknown(value):
        return ()
    return Unknown("operand")
