"""Subclasses of ``keras.layers.Layer`` defined in the analysed code.

Keras 3 names such a layer in ``super().__init__(**kwargs)``, creates its
weights with ``add_weight`` (in ``__init__``, or in ``build(input_shape)`` on
the first call), and finds its output with ``compute_output_shape()`` when the
class defines one, else by tracing ``call()`` — on backend tensors, so the
operations inside are not rows of the model and take no names.  kerascheck
interprets those methods the same way; a layer it tracks as an attribute
(``self.dense = Dense(...)``) counts with its weights, once it is built.
Subclasses of a concrete Keras layer (``class MyDense(Dense)``) stay unknown.
"""

from __future__ import annotations

from typing import Any

import libcst as cst

from kerascheck.catalog.base import Call, Explain, LayerType, Unresolved, Weight, format_shape
from kerascheck.graph import Layer, Model, Tensor
from kerascheck.interpreter.values import Class, Function, Instance
from kerascheck.unknown import Unknown, contains_unknown, is_unknown

#: arguments of ``add_weight`` (Keras 3) that may be given positionally, in order
ADD_WEIGHT = ("shape", "initializer", "dtype")
#: ``Layer.__init__`` keywords kept in the layer's config (for Sequential and rules)
INIT_KEYWORDS = ("name", "trainable", "dtype", "input_shape", "batch_input_shape", "batch_size", "input_dim")


class SubclassType(LayerType):
    """The catalog entry of one instance of a Layer subclass: its methods, interpreted."""

    def __init__(self, api: Any, instance: Instance, site: cst.CSTNode | None) -> None:
        self.name = instance.cls.name  # type: ignore[misc]
        self.api = api
        self.instance = instance
        self.site = site
        self.built = not isinstance(instance.cls.lookup("build"), Function)  # Keras builds it at once
        self.initialised = False  # Layer.__init__ ran (the layer has its name)
        self.own: list[Weight] | Unknown = []  # the weights add_weight created

    # ------------------------------------------------------------ weights
    def add_weight(self, args: list, kwargs: dict) -> Any:
        """``self.add_weight(...)``: a variable of the layer (a tensor of its shape)."""
        arguments = dict(zip(ADD_WEIGHT, args)) | kwargs
        shape = arguments.get("shape")
        shape = () if shape is None else tuple(shape) if isinstance(shape, (list, tuple)) else shape
        trainable = arguments.get("trainable", True)
        if len(args) > len(ADD_WEIGHT) or set(kwargs) & set(ADD_WEIGHT[: len(args)]):
            self.own = Unknown(f"{self.name} calls add_weight with arguments Keras 3 rejects")
        elif self.api.interp.uncertain or "__unknown_args__" in kwargs:
            self.own = Unknown(f"{self.name} adds a weight under a condition kerascheck cannot evaluate")
        elif not isinstance(shape, tuple) or contains_unknown(shape) or not all(_is_size(d) for d in shape):
            self.own = Unknown(f"{self.name} adds a weight of unknown shape")
        elif not isinstance(trainable, bool):
            self.own = Unknown(f"{self.name} adds a weight whose trainable flag is unknown")
        elif isinstance(self.own, list):
            name = arguments.get("name")
            self.own.append(Weight(name if isinstance(name, str) else f"variable_{len(self.own)}", shape, trainable))
        return Tensor(shape if isinstance(shape, tuple) else Unknown("a weight of unknown shape"))

    def weights(self, cfg: dict[str, Any], call: Call, ex: Explain) -> list[Weight]:
        if is_unknown(self.own):
            raise Unresolved(self.own.reason)
        weights = list(self.own)
        for sublayer in _tracked(self.instance):
            trainable, frozen = sublayer.param_counts()
            if trainable is None or frozen is None:
                raise Unresolved(f"the weights of {sublayer.name} ({sublayer.class_name}) are unknown")
            weights += [Weight(f"{sublayer.name}/trainable", (trainable,))] if trainable else []
            weights += [Weight(f"{sublayer.name}/non_trainable", (frozen,), False)] if frozen else []
        for weight in self.own:
            ex.add(f"{self.name}: add_weight {format_shape(weight.shape)}" + ("" if weight.trainable else " (non-trainable)"))
        return weights

    # ------------------------------------------------------------ output
    def output_shape(self, cfg: dict[str, Any], call: Call, ex: Explain) -> Any:
        shapes = call.inputs
        if not self.built:
            self.built = True
            self.run("build", [_first_shape(shapes)], {})
        compute = self.instance.cls.lookup("compute_output_shape")
        if isinstance(compute, Function):
            ex.add(f"{self.name}: output from compute_output_shape()")
            return _as_shape(self.run("compute_output_shape", [_first_shape(shapes)], {}))
        ex.add(f"{self.name}: output from call()")
        kwargs = {k: (Unknown("a tensor argument") if isinstance(v, (tuple, list)) else v) for k, v in call.kwargs.items()}
        namer, tracing = self.api.name, self.api.name.tracing
        self.api.scratch += 1
        namer.tracing = True
        try:
            result = self.run("call", [_tensors(shapes)], kwargs)
        finally:
            self.api.scratch -= 1
            namer.tracing = tracing
        return _result_shape(result)

    def run(self, method: str, args: list, kwargs: dict) -> Any:
        function = self.instance.cls.lookup(method)
        if not isinstance(function, Function):
            raise Unresolved(f"{self.name}.{method}() is not defined in the analysed code")
        return self.api.interp.call_function(function, [self.instance, *args], kwargs, node=self.site)


def keras_layer_subclass(cls: Class) -> bool:
    """Whether ``cls`` derives from ``keras.layers.Layer`` itself (not from a concrete
    layer, whose build and call are Keras's) and keeps Keras's ``__call__``."""
    if isinstance(cls.lookup("__call__"), Function):
        return False
    for base in cls.bases:
        if isinstance(base, Class):
            return keras_layer_subclass(base)
        if getattr(base, "is_keras", False):
            return base.last == "Layer"
    return False


def instantiate(api: Any, cls: Class, args: list, kwargs: dict, node: cst.CSTNode) -> Layer:
    """``cls(*args, **kwargs)``: run ``__init__``; the layer is named when it calls
    ``super().__init__`` (or at once, when the class defines no ``__init__``)."""
    layer = Layer("?", cls.name, node)
    instance = Instance(cls, keras=layer)
    layer.type = kind = SubclassType(api, instance, node)
    init = cls.lookup("__init__")
    if isinstance(init, Function):
        api.interp.call_function(init, [instance, *args], dict(kwargs), node=node)
    else:
        layer_init(api, layer, kwargs)
    if not kind.initialised:
        layer.type = None
        layer.unknown_reason = f"{cls.name}.__init__ does not call super().__init__() in a way kerascheck follows"
    return layer


def layer_init(api: Any, layer: Layer, kwargs: dict) -> None:
    """``Layer.__init__(**kwargs)``: the name, trainable flag and declared input."""
    if "__unknown_args__" in kwargs:
        kwargs = {**kwargs, "name": Unknown("**kwargs")}
    layer.name = api.name.given(kwargs.get("name"), layer.class_name)
    layer.named = isinstance(kwargs.get("name"), str)
    layer.config.update({k: v for k, v in kwargs.items() if k in INIT_KEYWORDS})
    if isinstance(layer.type, SubclassType):
        layer.type.initialised = True
    layer.config.setdefault("data_format", api.data_format)
    if kwargs.get("trainable") is False:
        layer.trainable = False


def attribute(instance: Instance, name: str) -> Any:
    """An attribute of a Layer subclass instance that Keras's ``Layer`` provides."""
    layer = instance.keras
    if name in ("add_weight", "add_variable"):
        from kerascheck.interpreter.keras_api import KerasMethod

        return KerasMethod(instance, name)
    if name == "name":
        return layer.name
    if name == "trainable":
        return layer.trainable
    return Unknown(f"{instance.cls.name}.{name}")


def method(api: Any, instance: Instance, name: str, args: list, kwargs: dict) -> Any:
    """``self.add_weight(...)``, ``super().__init__(...)``, ``super().build(...)``..."""
    layer = instance.keras
    if name in ("add_weight", "add_variable") and isinstance(layer.type, SubclassType):
        return layer.type.add_weight(args, kwargs)
    if name == "super.__init__" and not args:
        layer_init(api, layer, kwargs)
        return None
    if name == "super.build":
        return None
    return Unknown(f"{instance.cls.name}.{name}()")


def _is_size(dim: Any) -> bool:
    return isinstance(dim, int) and not isinstance(dim, bool) and dim >= 0


def _tracked(instance: Instance) -> list[Any]:
    """The layers the instance holds in its attributes (Keras tracks them)."""
    found: list[Any] = []

    def visit(value: Any) -> None:
        if isinstance(value, (Layer, Model)) and value is not instance.keras and value not in found:
            found.append(value)
        elif isinstance(value, (list, tuple)):
            for item in value:
                visit(item)
        elif isinstance(value, dict):
            for item in value.values():
                visit(item)

    for value in instance.attrs.values():
        visit(value)
    return found


def _first_shape(shapes: Any) -> Any:
    """The shape(s) ``build``/``compute_output_shape`` receive: tuples, or a list of them."""
    return [tuple(s) for s in shapes] if isinstance(shapes, list) else shapes


def _tensors(shapes: Any) -> Any:
    if isinstance(shapes, list):
        return [_tensors(s) for s in shapes]
    return Tensor(shapes)


def _as_shape(value: Any) -> Any:
    """What compute_output_shape returned, as Keras reads it."""
    if isinstance(value, list) and value and all(d is None or isinstance(d, int) for d in value):
        value = tuple(value)
    if isinstance(value, tuple) and all(d is None or (isinstance(d, int) and not isinstance(d, bool)) for d in value):
        return value
    if isinstance(value, list) and value and all(isinstance(s, tuple) for s in value):
        return [_as_shape(s) for s in value]
    return Unknown("compute_output_shape() returned an unknown shape")


def _result_shape(result: Any) -> Any:
    if isinstance(result, Tensor):
        return result.shape
    if isinstance(result, (list, tuple)) and result and all(isinstance(t, Tensor) for t in result):
        return [t.shape for t in result]
    return Unknown("call() returned a value kerascheck cannot follow")
