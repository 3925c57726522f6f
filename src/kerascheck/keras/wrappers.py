"""``Bidirectional`` around a layer of a class of the source (``Bidirectional(TCN(64))``).

Keras 3's ``Bidirectional.__init__`` does not use the layer it is given: it
serializes it (its ``get_config()``) and re-creates it twice from that config
(``cls.from_config``, by default ``cls(**config)``), as ``forward_NAME`` and, with
``go_backwards=True``, ``backward_NAME``; it checks that their ``go_backwards``
differ and their ``stateful``, ``return_sequences`` and ``return_state`` agree.
Its first call builds both copies with their ``build(shape)`` and takes its
output from the forward copy's ``compute_output_shape``; its weights are both
copies' (``catalog.rnn.Bidirectional`` merges them).

kerascheck does the same through the interpreter.  Unknown: a class Keras cannot
find again (not registered with ``register_keras_serializable``, so
deserializing raises), one that defines ``from_config``, does not define
``get_config`` or ``compute_output_shape``, or whose config holds values other
than plain data (layers, initializers...).
The config's ``dtype`` (Keras's dtype policy, which decides no shape or count)
is the layer's ``dtype`` argument, else unknown.
"""

from __future__ import annotations

from typing import Any

import libcst as cst

from kerascheck.catalog.base import Call, Invalid, ShapeTree, Unresolved
from kerascheck.catalog.rnn import Bidirectional
from kerascheck.graph import Layer
from kerascheck.interpreter.values import MISSING, Arguments, Class, Function
from kerascheck.keras import custom_layers
from kerascheck.keras.session import Session
from kerascheck.unknown import Unknown

#: the attributes Keras compares between the two copies (``go_backwards`` must differ)
COMPARED = ("go_backwards", "stateful", "return_sequences", "return_state")
#: what a config may hold to be re-created as it was (serialization keeps plain data)
PLAIN = (str, int, float, bool, type(None))


class SourceBidirectional(Bidirectional):
    """Bidirectional of a layer of the source: the copies Keras makes of it."""

    def __init__(self, copies: tuple[Layer, Layer] | None, reason: str = "") -> None:
        self.copies = copies
        self.reason = reason

    def layers(self, cfg: dict[str, Any]) -> tuple[Any, Any]:
        if self.copies is None:
            raise Unresolved(self.reason)
        forward, backward = self.copies
        for key in COMPARED:
            first, second = self.flag(forward, key), self.flag(backward, key)
            if not isinstance(first, bool) or not isinstance(second, bool):
                raise Unresolved(f"the {key} of the {forward.class_name} Bidirectional copies is not known")
            if (first == second) != (key != "go_backwards"):
                wanted = "differ" if key == "go_backwards" else "agree"
                raise Invalid(f"Bidirectional: the forward and backward layers' {key} must {wanted}")
        return forward, backward

    def flag(self, layer: Any, key: str) -> Any:
        return _kind(layer).instance.attrs.get(key, Unknown(f"{layer.class_name}.{key}"))

    def returns_sequences(self, cfg: dict[str, Any]) -> Any:
        return self.flag(self.copies[0], "return_sequences") if self.copies else Unknown("the wrapped layer")

    def forward_output(self, forward: Any, call: Call) -> ShapeTree:
        self._build(call)
        return _kind(forward).compute_output_shape(call.inputs)

    def weights(self, cfg: dict[str, Any], call: Call, ex: Any) -> list:
        self._build(call)
        return super().weights(cfg, call, ex)

    def _build(self, call: Call) -> None:
        """``Bidirectional.build``: each copy's ``build(shape)``, forward first."""
        for layer in self.layers({}):
            _kind(layer).build_once(call.inputs)


def follow(session: Session, wrapper: Layer, node: cst.CSTNode) -> None:
    """``Bidirectional(layer)`` of a layer of the source: its copies, made as Keras makes them."""
    inner = wrapper.config.get("layer")
    if not isinstance(inner, Layer) or not inner.type_of_source() or wrapper.config.get("backward_layer") is not None:
        return
    kind = inner.type
    if not isinstance(kind, custom_layers.SubclassType) or isinstance(kind, custom_layers.ConcreteType):
        wrapper.type = SourceBidirectional(None, f"Bidirectional of {inner.class_name}, a subclass of a Keras layer, is not followed")
        return
    cls = kind.instance.cls
    reason = _refused(cls)
    copies: list[Layer] = []
    for prefix in ("forward", "backward") if not reason else ():
        config = kind.run("get_config", [], {})
        if not isinstance(config, dict) or not _plain({k: v for k, v in config.items() if k != "dtype"}):
            reason = f"the get_config() of {cls.name} is not plain data kerascheck can re-create"
            break
        name = inner.name if inner.name != "?" else Unknown("the layer's name")
        config = dict(config, name=f"{prefix}_{name.removeprefix(prefix + '_')}" if isinstance(name, str) else name)
        if prefix == "backward":
            config["go_backwards"] = True
        copies.append(custom_layers.instantiate(session, cls, Arguments([], config), node))
    if reason or any(copy.type is None for copy in copies):
        wrapper.type = SourceBidirectional(None, reason or f"the copies Bidirectional makes of {cls.name} are not followed")
        return
    wrapper.type = SourceBidirectional((copies[0], copies[1]))


def _refused(cls: Class) -> str:
    """Why Keras's copies of an instance of ``cls`` are not followed ("" when they are)."""
    if not _registered(cls):
        return f"Keras re-creates {cls.name} only when it is registered (register_keras_serializable)"
    if custom_layers.own_method(cls, "from_config") is not MISSING:
        return f"{cls.name} defines from_config(), which kerascheck does not follow"
    for method in ("get_config", "compute_output_shape"):
        if not isinstance(custom_layers.own_method(cls, method), Function):
            return f"{cls.name} does not define {method}(), which Bidirectional's copies need"
    return ""


def _registered(cls: Class) -> bool:
    """Whether the class statement is decorated with ``register_keras_serializable(...)``."""
    for decorator in cls.node.decorators:
        called = decorator.decorator.func if isinstance(decorator.decorator, cst.Call) else decorator.decorator
        last = called.attr.value if isinstance(called, cst.Attribute) else called.value if isinstance(called, cst.Name) else ""
        if last == "register_keras_serializable":
            return True
    return False


def _plain(value: Any) -> bool:
    if isinstance(value, PLAIN):
        return True
    if isinstance(value, (list, tuple)):
        return all(_plain(item) for item in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _plain(v) for k, v in value.items())
    return False


def _kind(layer: Any) -> custom_layers.SubclassType:
    kind = layer.type
    assert isinstance(kind, custom_layers.SubclassType)  # follow() made the copies of such a class
    return kind

