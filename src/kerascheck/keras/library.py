"""Keras as a library of the interpreter: what Keras does when the analysed code calls it.

Constructing a layer, calling it on tensors, ``keras.Input``, ``Sequential``,
``Model(inputs, outputs)``, tensor arithmetic, the attributes and methods of
layers, tensors and models, subclasses of Keras's classes: each builds or reads
the model graph, through the ``Session`` of the analysis.
"""

from __future__ import annotations

import functools
import re
from typing import Any, Callable

import libcst as cst

from kerascheck import catalog
from kerascheck.catalog.activations import ELEMENTWISE_FUNCTIONS
from kerascheck.catalog.base import Call
from kerascheck.catalog.merging import legacy_merge_layer
from kerascheck.catalog.operations import operation
from kerascheck.graph import Compile, FitTarget, Layer, Model, Op, Operation, Problem, Tensor, structure_of
from kerascheck.input_shapes import InputShapes
from kerascheck.interpreter.library import NOT_HANDLED, Host, Library, Source
from kerascheck.interpreter.values import MISSING, Arguments, Class, Function, Instance, Opaque, Ref
from kerascheck.keras import applications, custom_layers, datasets, dynamic, input_specs, internals, masking, subclassed_models, third_party, variables, wrappers
from kerascheck.keras.session import Session
from kerascheck.keras.spellings import canonical, is_keras
from kerascheck.keras.values import Method, as_tensors, call_inputs, has_tensor, set_trainable, shapes_call, shapes_of
from kerascheck.libraries import numpy_arrays as arrays
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
TENSOR_OPERATORS: dict[type, str] = {
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
#: the names a layer's first call argument goes by (``layer(query=q, value=v)``)
FIRST_CALL_ARGUMENT = ("inputs", "query", "sequences", "x")
#: Keras 2's backend random functions → their keras.random names
BACKEND_RANDOM = {"random_normal": "normal", "random_uniform": "uniform", "truncated_normal": "truncated_normal"}
DATA_FORMAT_SETTERS = ("set_image_data_format", "set_image_dim_ordering")
DIM_ORDERING = {"th": "channels_first", "tf": "channels_last"}
#: Keras's configuration values that model code reads (their defaults; ``set_epsilon`` changes no shape)
CONFIG_VALUES = {
    **{f"keras.{module}.epsilon": 1e-07 for module in ("backend", "config")},
    **{f"keras.{module}.floatx": "float32" for module in ("backend", "config")},
}
#: the names a snippet uses for Keras's models and inputs, besides the catalog's layers
IMPLICIT_NAMES = {"Sequential": "keras.models.Sequential", "Model": "keras.models.Model", "Input": "keras.layers.Input"}
LEGACY_INPUT_NAME = re.compile(r"input_(\d+)")
DISAGREE = "depends on a condition kerascheck cannot evaluate"


def keras3_input_name(name: Any) -> str | None:
    """Keras 3's auto-name of the Input that Keras 1/2 auto-named ``name``
    (``input_1`` is ``input_layer``, ``input_2`` is ``input_layer_1``: both count
    the session's auto-named Inputs)."""
    match = LEGACY_INPUT_NAME.fullmatch(name) if isinstance(name, str) else None
    if match is None or int(match.group(1)) < 1:
        return None
    number = int(match.group(1))
    return "input_layer" if number == 1 else f"input_layer_{number - 1}"


class KerasLibrary(Library):
    """Keras semantics for one analysed file; ``session`` holds its state."""

    prefixes = ("keras",)
    types = (Layer, Model, Tensor, Method, dynamic.Dynamic, dynamic.ShapeTensor, input_specs.InputSpec, variables.Initializer)
    packages = ("keras", "tf_keras", "keras_core", "keras_applications")
    modelled_modules = internals.MODULES
    source_packages = third_party.PACKAGES
    #: what training, saving and reading a model does not change in its summary
    harmless = frozenset(
        "compile fit fit_generator train_on_batch evaluate evaluate_generator test_on_batch predict"
        " predict_generator predict_on_batch predict_classes summary save save_weights load_weights"
        " count_params to_json to_yaml get_config get_weights set_weights input inputs output outputs"
        " input_shape output_shape name history optimizer loss metrics metrics_names stop_training".split()
    )

    def __init__(self, data_format: str = "channels_last", input_shapes: InputShapes | None = None) -> None:
        self.session = Session(data_format)
        self.input_shapes = input_shapes  # given by the user, by function or model name

    def attach(self, host: Host) -> None:
        super().attach(host)
        self.session.host = host

    @property
    def models(self) -> list[Model]:
        return self.session.models

    # ------------------------------------------------------------------ names
    canonical = staticmethod(canonical)

    def provides(self, ref: Ref) -> bool:
        last = ref.last
        return (
            catalog.lookup(last) is not None
            or (".layers" in ref.path and last[:1].isupper())
            or last in ("Input", "InputLayer", "Sequential", "Model", "merge", "Merge")
            or (last in MERGE_FUNCTIONS and ".layers" in ref.path)
        )

    def implicit(self, name: str, node: cst.CSTNode, receiver: bool) -> Any:
        """A snippet's Keras: a layer or model class it never imports is Keras's, and
        a model it first uses as ``model.add(...)`` an empty Sequential made before it."""
        if receiver:
            self.session.facts.implicit_names.append((node, name, "an empty Sequential"))
            return self.session.make_sequential([], {}, node)
        path = IMPLICIT_NAMES.get(name)
        if path is None and name[:1].isupper() and catalog.lookup(name) is not None:
            path = f"keras.layers.{name}"
        if path is None:
            return None
        self.session.facts.implicit_names.append((node, name, path))
        return Ref(path)

    def source(self, ref: Ref) -> Source | None:
        """A ``keras.applications`` constructor is Keras's source, read from the installed Keras."""
        return applications.constructors().get(ref.path) if applications.is_constructor_name(ref.path) else None

    def new_session(self) -> None:
        """``keras.backend.clear_session()``: auto-names start over."""
        self.session.new_session()

    def method_ran(self, instance: Any, name: str, arguments: Arguments) -> None:
        if name == "build" and isinstance(instance.native, Layer):
            custom_layers.built_by_program(self.session, instance.native, arguments)

    def runs_methods_of(self, cls: Any) -> bool:
        return keras_base(cls) is None  # a layer or model class is not a builder

    def escaped(self, value: Any) -> None:
        """A model that code may now change unseen (``model.add`` on a variable two
        branches disagree on) is uncertain."""
        if isinstance(value, Model):  # (an instance of a subclass: ``escape`` reaches its native model)
            value.uncertain = value.uncertain or (
                "it may be changed later through a variable whose value depends on a condition kerascheck cannot evaluate"
            )

    def checkpoint(self) -> Any:
        return self.session.checkpoint()

    def abandoned(self, mark: Any, reason: str) -> None:
        for op in self.session.abandoned(mark, reason):  # trainable flags it may have set otherwise
            set_trainable(op, Unknown(reason), True)

    # ------------------------------------------------------------------ calls
    def call(self, func: Any, arguments: Arguments, node: cst.CSTNode) -> Any:
        if isinstance(func, Method):
            return self.call_method(func, arguments, node)
        if isinstance(func, Layer):
            return self.call_layer(func, list(arguments.positional), dict(arguments.keywords), node)
        if isinstance(func, Model):
            return self.call_model(func, arguments, node)
        if isinstance(func, variables.Initializer):
            return variables.initialized(func, arguments)
        return NOT_HANDLED  # a tensor is not callable

    def call_name(self, ref: Ref, arguments: Arguments, node: cst.CSTNode) -> Any:
        session = self.session
        last, path = ref.last, ref.path
        args, kwargs = arguments.positional, dict(arguments.keywords)
        if last in ("set_image_dim_ordering", "image_dim_ordering"):
            session.facts.legacy_calls.append((node, last, args[0] if args else None))
        if last in DATA_FORMAT_SETTERS and args:
            value = args[0]
            if isinstance(value, str):
                session.data_format = DIM_ORDERING.get(value, value)
            return None
        if last == "image_data_format":
            return session.data_format
        if last in ("set_epsilon", "set_floatx"):
            session.config_changed = True
            return None
        if path in CONFIG_VALUES:  # K.epsilon(), K.floatx(): Keras's defaults, unless the file sets them
            return Unknown(f"{last}() after the file changed it") if session.config_changed else CONFIG_VALUES[path]
        if last == "image_dim_ordering":
            return "th" if session.data_format == "channels_first" else "tf"
        if last in ("int_shape", "shape") and args and isinstance(args[0], Tensor):
            if last == "shape" and session.scratch:  # on a backend tensor: its None sizes are tensors
                shape = dynamic.traced_shape(args[0].shape)
                return dynamic.ShapeTensor(shape) if path.startswith("keras.backend.") and isinstance(shape, tuple) else shape
            return args[0].shape
        helper = internals.call(last, args, kwargs, session.data_format)
        if helper is not internals.NOT_A_HELPER:
            return helper
        data = datasets.call(path, arguments, session.data_format)
        if data is not datasets.NOT_DATA:
            return data
        if path.startswith("keras.backend.") and last == "l2_normalize" and session.scratch:
            return session.call_op("normalize", args[:1], {}, node)  # on a backend tensor: TensorFlow's, same shape
        if path.startswith("keras.backend.") and last in BACKEND_RANDOM:
            path = "keras.random." + BACKEND_RANDOM[last]  # Keras 2's spelling
        if path.startswith(("keras.ops.", "keras.random.")) and not has_tensor(args):
            name = path.split(".", 2)[2]
            traced = dynamic.created(name, arguments)
            if traced is not None:
                return traced
            created = arrays.create(name, Arguments(args, kwargs), tensor=True)
            if created is not arrays.NOT_ARRAY:
                return created
        if path.startswith("keras.backend."):
            made = variables.backend(last, arguments)
            if made is not MISSING:
                return made
        if ".ops." in path + "." or path.startswith("keras.backend."):
            return session.call_op(last, args, kwargs, node)
        if last == "Input":
            return session.make_input(args, kwargs, node)
        if last == "InputSpec":  # keras.layers (Keras 3), keras.engine (Keras 1/2)
            return input_specs.make(path, arguments)
        if last == "InputLayer":
            return session.make_input_layer(args, kwargs, node)
        if last == "Sequential":
            return session.make_sequential(args, kwargs, node)
        if last in ("Model", "Functional"):
            return session.make_functional(args, kwargs, node)
        if last in MERGE_FUNCTIONS and ".layers" in path:
            layer = session.make_layer(MERGE_FUNCTIONS[last], args[1:], kwargs, node, called_as=last)
            return self.call_layer(layer, args[:1], {}, node)
        if last in ("merge", "Merge"):
            return self.legacy_merge(last, args, kwargs, node)
        if catalog.lookup(last) is not None:
            if arguments.opaque:
                return session.layer_of_unknown_arguments(last, kwargs, node)
            layer = session.make_layer(last, args, kwargs, node)
            if layer.class_name == "Bidirectional":
                wrappers.follow(session, layer, node)
            return layer
        if applications.is_constructor_name(path) and applications.keras_root() is None:
            if not session.facts.missing_source:  # said once
                session.facts.missing_source.append((node, f"{path}(): {applications.MISSING_KERAS}"))
            return Unknown(applications.MISSING_KERAS)
        module = path.split(".")[1] if "." in path else ""
        if module == "activations" and last in ELEMENTWISE_FUNCTIONS and session.scratch and args and isinstance(args[0], Tensor):
            return Tensor(args[0].shape)  # on a backend tensor, in a traced call(): no row
        if module == "initializers":
            return variables.Initializer(path, dict(kwargs), tuple(args), complete=not arguments.opaque)
        if module == "activations" and args and isinstance(args[0], Tensor):
            return session.call_activation(last, list(args), kwargs, node)
        if module in OPAQUE_MODULES:
            return Opaque(path, dict(kwargs), tuple(args), complete=not arguments.opaque, node=node)
        if last[:1].isupper() and ".layers" in path:
            return session.unknown_layer(last, kwargs, node)
        return Unknown(f"{path}() is not modelled")

    def call_unknown(self, label: str, arguments: Arguments, node: cst.CSTNode, why: str = "") -> Any:
        """A call into code kerascheck cannot see: a class makes a layer it does not know."""
        if label[:1].isupper():
            layer = self.session.unknown_layer(label, arguments.keywords, node)
            if why:
                layer.unknown_reason = f"{label} comes from {why}"
            return layer
        if has_tensor(arguments.positional) or has_tensor(list(arguments.keywords.values())):
            return Tensor(Unknown(f"{label}() is defined outside this file"))
        return NOT_HANDLED

    def call_layer(self, layer: Layer, args: list, kwargs: dict, node: cst.CSTNode) -> Any:
        session = self.session
        plain = len(args) == 1 and not kwargs  # layer(x): Keras converts the arguments of any other call
        first_name = next((k for k in FIRST_CALL_ARGUMENT if k in kwargs), None)
        if not args and first_name is not None:
            args = [kwargs.pop(first_name)]
        if not args:
            return Unknown("a layer called without inputs")
        if self.eager(layer, args, kwargs):
            return self.call_eagerly(layer, args[0])
        first = as_tensors(args[0])
        call_args = getattr(layer.type, "call_args", ())
        named = {name: value for name, value in zip(call_args, args[1:])}
        named.update(kwargs)
        call = Call(shapes_of(first), {k: shapes_of(v) for k, v in named.items()})
        if not layer.nodes and layer.type is not None:
            for sublayer in layer.type.built_sublayers:
                session.name(sublayer)
        output = layer.apply(call)
        previous = masking.previous_mask(first, named)
        given = masking.node_mask(layer, first, named, plain)
        if given is not None:
            named["mask"] = given  # Keras passes the mask along: it is an input of the call
        result = session.record(layer, first, named, output)
        session.note_call(layer)
        masking.attach(result, masking.output_masks(session, layer, first, previous, node))
        return result

    def eager(self, layer: Layer, args: list, kwargs: dict) -> bool:
        """Whether ``layer(data)`` runs at once on concrete data (``Embedding(n, d)(tf.range(n))``):
        one array of known shape and no tensor; Keras builds the layer and adds no node
        to any graph (a layer of the source, or one that makes sublayers, is left to the
        symbolic path)."""
        data = args[0]
        return (
            len(args) == 1
            and isinstance(data, arrays.Array)
            and not is_unknown(data.shape)
            and not has_tensor(list(kwargs.values()))
            and not self.session.scratch
            and layer.type is not None
            and not layer.type_of_source()
            and not layer.type.built_sublayers
        )

    def call_eagerly(self, layer: Layer, data: arrays.Array) -> Any:
        """The layer's output on ``data``: a new array of the shape it computes."""
        output = layer.apply(Call(tuple(data.shape)))
        if not isinstance(output, tuple) or contains_unknown(output):
            return Unknown(f"the output of {layer.class_name} on concrete data")
        return arrays.Array(output, Unknown("the dtype of a layer's output"), tensor=True)

    def call_model(self, model: Model, arguments: Arguments, node: cst.CSTNode) -> Any:
        session = self.session
        session.note_call(model)
        session.touch(model)  # calling a model may build it
        if model.kind == "subclassed":
            return subclassed_models.call(session, model, arguments, node)
        args, kwargs = call_inputs(arguments)
        if not args:
            return Unknown("a model called without inputs")
        first = as_tensors(args[0])
        if model.kind == "sequential" and sequential_input(model) is None:
            session.name("InputLayer")
            session.sequential_built(model)
            shapes = shapes_of(first)
            model.declared_input = shapes if not isinstance(shapes, list) else Unknown("several inputs")
            model.rows = None
        ensure_rows(model)
        output = replay_model(model, shapes_of(first))
        return session.record(model, first, masking.model_call_mask(model, first, kwargs, arguments), output)

    def legacy_merge(self, called_as: str, args: list, kwargs: dict, node: cst.CSTNode) -> Any:
        mode = kwargs.pop("mode", "sum")
        if not isinstance(mode, str):
            return Tensor(Unknown("merge mode is not known"))
        class_name, changes = legacy_merge_layer(mode, kwargs)
        if class_name is None:
            return Tensor(Unknown(f"merge mode {mode!r} is not modelled"))
        layer = self.session.make_layer(class_name, [], changes, node, called_as=called_as)
        if called_as == "Merge" or not args:
            return layer
        return self.call_layer(layer, args[:1], {}, node)

    # ---------------------------------------------------------- tensor operators
    def binary(self, op: type, left: Any, right: Any, node: cst.CSTNode) -> Any:
        if not isinstance(left, Tensor) and not isinstance(right, Tensor):
            if dynamic.is_runtime(left) or dynamic.is_runtime(right):
                return dynamic.binary(op, left, right)
            return NOT_HANDLED
        if arrays.is_numpy(left) and not getattr(left, "tensor", False):
            return Tensor(Unknown("NumPy's operator on a symbolic tensor (Keras 3 refuses to convert it)"))
        function = TENSOR_OPERATORS.get(op)
        if function is None:
            return Tensor(Unknown("tensor operator not modelled"))
        return self.session.call_op(function, [left, right], {}, node)

    compare = binary

    def unary(self, op: Any, value: Any, node: cst.CSTNode) -> Any:
        if isinstance(value, dynamic.Dynamic):
            return dynamic.Dynamic() if isinstance(op, (cst.Minus, cst.Plus)) else Unknown(dynamic.RUNTIME)
        if not isinstance(value, Tensor):
            return NOT_HANDLED
        if isinstance(op, cst.Minus):
            return self.session.call_op("negative", [value], {}, node)
        if isinstance(op, cst.Plus):
            return value
        return Tensor(Unknown("tensor operator not modelled"))


    def subscript(self, value: Any, key: Any, node: cst.CSTNode) -> Any:
        if isinstance(value, dynamic.ShapeTensor):
            return dynamic.subscript(value, key)
        if isinstance(value, Tensor):
            op = self.session.op_layer("GetItem", node, operation("get_item"), {"key": key})
            return self.session.record(op, value, {}, op.apply(Call(value.shape)))
        if isinstance(value, (Layer, Model)):
            return Unknown("subscript of a layer")
        return NOT_HANDLED

    def unpack(self, value: Any, count: int, starred: bool) -> list[Any] | None:
        if isinstance(value, Tensor):
            if isinstance(value.shape, list):  # a tensor of several outputs
                return list(value.shape)
            if is_unknown(value.shape) and not starred:
                return [Tensor(Unknown("output of unknown shape"), value.producer, i) for i in range(count)]
            return None
        if isinstance(value, list) and value and all(isinstance(v, Tensor) for v in value):
            return list(value)
        return None

    def join(self, a: Any, b: Any) -> Any:
        if not (isinstance(a, Tensor) and isinstance(b, Tensor)):
            return NOT_HANDLED
        alternatives = (*(a.alternatives or (a,)), *(b.alternatives or (b,)))
        # Which tensor it is stays unknown; its shape is known when both agree.
        shape = a.shape if same_shape(a.shape, b.shape) else Unknown(DISAGREE)
        return Tensor(shape, alternatives=alternatives)

    def truth(self, value: Any) -> Any:
        """A symbolic tensor has no truth (Keras raises); layers and models are truthy."""
        if dynamic.is_runtime(value):
            return Unknown(dynamic.RUNTIME)
        return Unknown("the truth of a symbolic tensor") if isinstance(value, Tensor) else True

    # ------------------------------------------------------------- attributes
    def attribute(self, value: Any, name: str, node: cst.CSTNode) -> Any:
        if isinstance(value, Tensor):
            if name == "_keras_shape":
                self.session.facts.legacy_attributes.append((node, name))
            return self.tensor_attribute(value, name)
        if isinstance(value, Model):
            return self.model_attribute(value, name)
        if isinstance(value, Layer):
            return self.layer_attribute(value, name, node)
        if isinstance(value, input_specs.InputSpec):
            return input_specs.attribute(value, name)
        return NOT_HANDLED

    def tensor_attribute(self, tensor: Tensor, name: str) -> Any:
        if name in ("shape", "_keras_shape", "_shape_val"):  # the last two: Keras 2 and TensorFlow private spellings
            return tensor.shape
        if name == "ndim":
            return Unknown("rank") if is_unknown(tensor.shape) else len(tensor.shape)
        if name == "get_shape":
            return Method(tensor, name)
        return Unknown(f"tensor.{name}")

    def layer_attribute(self, layer: Layer, name: str, node: cst.CSTNode) -> Any:
        if name in ("output", "input"):
            if not layer.nodes:
                return Unknown(f"the layer has no {name} yet")
            first = layer.nodes[0]  # Keras 3's ``Operation.output``: its first call's
            tensors = first.outputs if name == "output" else first.inputs
            return tensors[0] if len(tensors) == 1 else list(tensors)
        if name in ("output_shape", "input_shape"):
            self.session.facts.legacy_attributes.append((node, name))
            value = self.layer_attribute(layer, name.split("_")[0], node)
            return value.shape if isinstance(value, Tensor) else Unknown(name)
        if name == "name":
            return layer.name
        if name == "trainable":
            return layer.trainable
        if name in layer.config:
            return layer.config[name]
        if name in ("count_params", "get_config", "get_weights", "set_weights", "build", "compute_output_shape"):
            return Method(layer, name)
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
        return Method(model, name)

    def model_layers(self, model: Model) -> Any:
        if model.kind == "subclassed":
            return list(model.tracked)
        if model.kind == "sequential":
            return [op for op in model.sequence if not (isinstance(op, Layer) and op.is_input)]
        ensure_rows(model)
        inputs = [t.producer.operation for t in model.inputs if t.producer is not None and t.producer.is_input]
        ops = [r.operation for r in model.rows or [] if not isinstance(r.operation, Op)]
        return inputs + ops

    def set_attribute(self, value: Any, name: str, new: Any, uncertain: bool) -> None:
        if isinstance(value, Operation) and name == "trainable":
            self.session.touch(value, structural=False)
            set_trainable(value, new if is_unknown(new) else bool(new), uncertain)

    # --------------------------------------------------- subclasses in the source
    def instantiate(self, cls: Class, arguments: Arguments, node: cst.CSTNode) -> Any:
        """A subclass of ``keras.Model`` or of a Keras layer defined in the file.

        A model is interpreted by ``subclassed_models``; a subclass of
        ``keras.layers.Layer`` or of a concrete layer of the catalog
        (``class MyDense(Dense)``) by ``custom_layers``.  Otherwise (a base
        kerascheck does not know, ``__call__`` overridden...) its ``__init__``
        runs (the layers it creates take their Keras names) and the layer is
        unknown.
        """
        base = keras_base(cls)
        if base is None:
            return NOT_HANDLED
        session = self.session
        if base in ("Model", "Sequential"):
            return subclassed_models.instantiate(session, cls, arguments, node, sequential=base == "Sequential")
        if custom_layers.keras_layer_subclass(cls):
            return custom_layers.instantiate(session, cls, arguments, node)
        concrete = custom_layers.concrete_base(cls)
        if concrete is not None:
            return custom_layers.instantiate_concrete(session, cls, concrete, arguments, node)
        obj = session.unknown_layer(cls.name, arguments.keywords, node)
        obj.unknown_reason = f"{cls.name} subclasses a Keras layer kerascheck does not interpret, or overrides __call__"
        init = cls.lookup("__init__")
        if isinstance(init, Function):
            self.host.call_function(init, arguments.but(positional=[Instance(cls), *arguments.positional]), node)
        return obj

    def instance_attribute(self, instance: Instance, name: str) -> Any:
        if isinstance(instance.native, Layer):
            found = custom_layers.attribute(instance, name)
            site = instance.native.source
            if is_unknown(found) and site is not None:  # what Keras's Layer gives any layer (its output...)
                return self.layer_attribute(instance.native, name, site)
            return found
        if isinstance(instance.native, Model):
            found = subclassed_models.attribute(instance.native, name)
            return found if found is not None else self.model_attribute(instance.native, name)
        return Unknown(f"{instance.cls.name}.{name}")

    def instance_assigned(self, instance: Instance, name: str, value: Any) -> None:
        if isinstance(instance.native, Model) and instance.native.kind == "subclassed":
            self.session.touch(instance.native)
            subclassed_models.track(self.session, instance.native, value)
        elif isinstance(instance.native, Layer) and name in custom_layers.WEIGHT_LISTS:
            custom_layers.weights_assigned(self.session, instance.native, name)

    def instance_of(self, value: Any) -> Instance | None:
        """The instance of a class of the source a model or layer is (its attributes
        and methods are the source's first)."""
        if isinstance(value, Layer) and isinstance(value.type, custom_layers.SubclassType):
            return value.type.instance
        return value.owner if isinstance(value, Model) else None

    def super_attribute(self, receiver: Instance, name: str) -> Any:
        """``super().name`` in a method of a Layer or Model subclass: Keras's."""
        if isinstance(receiver.native, (Layer, Model)):
            return Method(receiver, name, of_super=True)
        return Unknown(f"super().{name}")

    # ---------------------------------------------------------------- methods
    def call_method(self, method: Method, arguments: Arguments, node: cst.CSTNode) -> Any:
        receiver, name = method.receiver, method.name
        if isinstance(receiver, Instance) and isinstance(receiver.native, Layer):
            return custom_layers.method(self.session, receiver, method, arguments)
        if isinstance(receiver, Instance) and isinstance(receiver.native, Model):
            if name not in self.harmless:
                self.session.touch(receiver.native)
            if method.of_super and name == "__init__":
                return subclassed_models.model_init(self.session, receiver.native, arguments)
            receiver = receiver.native
        if isinstance(receiver, Model):
            if name not in self.harmless:  # training or saving it changes nothing reported
                self.session.touch(receiver)
            return self.model_method(receiver, name, arguments, node)
        if isinstance(receiver, Tensor) and name == "get_shape":
            return receiver.shape
        if isinstance(receiver, Layer) and name in ("build", "compute_output_shape"):
            return self.build_method(receiver, name, arguments)
        if isinstance(receiver, Layer) and name == "count_params":
            trainable, frozen = receiver.param_counts()
            return Unknown("parameter count") if trainable is None or frozen is None else trainable + frozen
        return Unknown(f".{method.label}()")

    def build_method(self, layer: Layer, name: str, arguments: Arguments) -> Any:
        """``layer.build(input_shape)``: its weights for that input; and
        ``layer.compute_output_shape(input_shape)``: its output for it.  A layer of a
        class of the source that defines these runs its own (``instance_of``): one
        that reaches here leaves them to Keras's Layer, which is not followed."""
        if layer.type_of_source():
            return Unknown(f"Keras's Layer.{name}() of {layer.class_name}")
        call = shapes_call(layer.type, arguments)
        if name == "compute_output_shape":
            return Unknown("compute_output_shape of an unknown shape") if call is None else layer.output_for(call)
        if call is None or self.host.changes_uncertainly(layer):
            layer.weights_reason = layer.weights_reason or "built on a shape kerascheck does not know"
        else:
            layer.build(call)
        return None

    def model_method(self, model: Model, name: str, arguments: Arguments, node: cst.CSTNode) -> Any:
        session = self.session
        args, kwargs = arguments.positional, arguments.keywords
        if name == "add" and args:
            if model.kind == "sequential":
                refuse_add_arguments(model, arguments, node)
                session.sequential_add(model, args[0], node)
            return None
        if name == "pop" and model.kind == "sequential" and model.sequence:
            model.rows = None
            popped = model.sequence.pop()
            session.sequential_rebuilt(model)
            return popped
        if name == "compile":
            # optimizer and loss are the first two parameters in Keras 2 and 3 alike
            positional = {} if arguments.opaque else dict(zip(("optimizer", "loss"), args))
            certain = not self.host.changes_uncertainly(model)
            model.compiles.append(Compile({**positional, **kwargs}, node, certain))
            session.snapshot(model, name)
            return None
        if name == "summary":
            session.snapshot(model, name)
            return None
        if name == "build" and model.kind == "subclassed":
            return subclassed_models.build(session, model, arguments, node)
        if name == "build":
            shape = kwargs.get("input_shape", args[0] if args else None)
            if model.kind == "sequential":
                model.declared_input = tuple(shape) if isinstance(shape, (list, tuple)) else Unknown("build shape")
                model.rows = None
                if not (model.sequence and isinstance(model.sequence[0], Layer) and model.sequence[0].is_input):
                    session.name("InputLayer")
                session.sequential_built(model)
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
            for layer in layers if isinstance(layers, list) else []:
                if layer.is_input and not layer.named and layer.name == keras3_input_name(target):
                    return layer  # Keras 1/2's name of the Nth auto-named Input
                if isinstance(target, str) and "/" in target and layer.name == target.replace("/", "_"):
                    return layer  # Keras 2's applications named layers conv1/relu; Keras 3 refuses "/" in names
            if isinstance(layers, list) and (is_unknown(target) or is_unknown(index)):
                return Unknown("a layer picked by an unknown name or index", among=tuple(layers))
            return Unknown(f"layer {target!r}")
        if name in ("fit", "train_on_batch"):
            targets = kwargs.get("y", args[1] if len(args) > 1 else None)
            if isinstance(targets, arrays.Array) and isinstance(targets.shape, tuple) and targets.shape:
                compiled = model.compiles[-1] if model.compiles else None
                session.facts.fit_targets.append(
                    FitTarget(node, model, targets.shape, compiled, targets.values_range, structure_of(model))
                )
        if name in ("fit", "fit_generator", "train_on_batch") and model.compiles:
            model.compiles[-1].trained = True
        if name in ("fit", "fit_generator") and model.kind == "subclassed" and not model.traced:
            subclassed_models.fit(session, model, arguments, node)
        if name in ("summary", "fit", "fit_generator", "evaluate", "predict", "save", "save_weights", "load_weights"):
            ensure_rows(model) if name == "summary" else None
            return None if name in ("summary", "save", "save_weights", "load_weights") else Unknown(name)
        return Unknown(f"model.{name}()")

    # ------------------------------------------------------------------- runs
    def final_steps(self) -> list[Callable[[], None]]:
        """Models the source gives no input shape, built on one the user gave by name."""
        if self.input_shapes is None:
            return []
        return [functools.partial(self.give_input_shape, model) for model in list(self.session.models)]

    def give_input_shape(self, model: Model) -> None:
        """A model the source gives no input shape, with one the user gave by name."""
        assert self.input_shapes is not None
        subclassed = model.kind == "subclassed" and not model.traced
        if not subclassed and not (model.kind == "sequential" and lacks_shape(sequential_input(model))):
            return
        shape = self.input_shapes.for_model(model.name, model.class_name)
        if shape is None:
            return
        if subclassed:
            subclassed_models.trace(self.session, model, Tensor((None, *shape)), {}, model.source)
        else:
            model.declared_input, model.rows, model.unknown_reason = (None, *shape), None, ""


def keras_base(cls: Class) -> str | None:
    """``Layer``, ``Model`` or ``Sequential`` if the class derives from a Keras class."""
    base = next((ref for ref in cls.library_bases() if is_keras(ref)), None)
    if base is None:
        return None
    return base.last if base.last in ("Model", "Sequential") else "Layer"


#: what ``Sequential.add`` takes (Keras 3; Keras 1 and 2 take only the layer)
ADD_PARAMETERS = ("layer", "rebuild")
#: what belongs to a layer's constructor, when given to ``add`` instead
LAYER_KEYWORDS = ("input_shape", "input_dim", "batch_input_shape", "batch_size", "name", "activation")


def refuse_add_arguments(model: Model, arguments: Arguments, node: cst.CSTNode) -> None:
    """``model.add(layer, input_shape=...)``: Keras raises TypeError (KC110) for any
    argument but the layer and ``rebuild``."""
    if arguments.opaque:
        return
    extra = [k for k in arguments.keywords if k not in ADD_PARAMETERS]
    if not extra and len(arguments.positional) <= len(ADD_PARAMETERS):
        return
    if not extra:
        given = len(arguments.positional) + 1  # Python counts self
        message = f"Sequential.add() takes from 2 to 3 positional arguments but {given} were given"
    else:
        message = f"Sequential.add() got an unexpected keyword argument {extra[0]!r}"
        layer = arguments.positional[0]
        if extra[0] in LAYER_KEYWORDS and isinstance(layer, Layer):
            message += f": {extra[0]}= belongs inside {layer.called_as}(...)"
    model.problems.append(Problem("KC110", message, node))
    model.unknown_reason = model.unknown_reason or f"Keras raises: {message}"


def lacks_shape(shape: Any) -> bool:
    """No input shape, or one the source does not determine."""
    return shape is None or contains_unknown(shape)


def same_shape(a: Any, b: Any) -> bool:
    if isinstance(a, (tuple, list)) and isinstance(b, (tuple, list)):
        return type(a) is type(b) and len(a) == len(b) and all(same_shape(x, y) for x, y in zip(a, b))
    return not is_unknown(a) and not is_unknown(b) and (a is None or isinstance(a, int)) and a == b
