"""The Keras layer catalog: one module per layer family, each listing ``LAYERS``.

``lookup(name)`` finds the ``LayerType`` for a class name or alias
(``Conv2D``, ``Convolution2D``, ``MaxPool2D``...).  ``type_of(op)`` is the
type whose facts (masks, roles...) hold for a layer, operation or model of a
graph; ``roles_of(op)`` its roles.
"""

from __future__ import annotations

import importlib
from typing import Any

from kerascheck.catalog.base import LayerType, Role
from kerascheck.catalog.operations import OperationType

FAMILIES = (
    "core",
    "convolutional",
    "pooling",
    "reshaping",
    "regularization",
    "activations",
    "normalization",
    "rnn",
    "merging",
    "preprocessing",
    "attention",
)

_REGISTRY: dict[str, LayerType] | None = None


def registry() -> dict[str, LayerType]:
    """All layer types by class name and alias (built once, on first use)."""
    global _REGISTRY
    if _REGISTRY is None:
        table: dict[str, LayerType] = {}
        for family in FAMILIES:
            module = importlib.import_module(f"kerascheck.catalog.{family}")
            for cls in module.LAYERS:
                layer_type = cls()
                for name in (cls.name, *cls.aliases):
                    table[name] = layer_type
        _REGISTRY = table
    return _REGISTRY


def lookup(name: str) -> LayerType | None:
    return (_REGISTRY if _REGISTRY is not None else registry()).get(name)


def type_of(op: Any) -> LayerType | None:
    """The catalog type whose facts hold for ``op``, a layer, operation or model of a graph.

    A catalog layer's or a tensor operation's own type.  Any other (a layer of
    a class kerascheck does not know or given arguments of unknown content,
    whose ``type`` is None; a subclass defined in the analysed source; a
    model): the catalog layer whose Keras 3 class name is its class name, if
    any, as the interpreter and the rules have always read these.  So
    ``Dense(units, **options)`` still has Dense's facts, while ``class
    MyDense(Dense)`` has none of them.
    """
    table = _REGISTRY if _REGISTRY is not None else registry()
    kind = getattr(op, "type", None)
    if kind is not None and (isinstance(kind, OperationType) or table.get(kind.name) is kind):
        return kind
    named = table.get(op.class_name)
    return named if named is not None and named.name == op.class_name else None


def roles_of(op: Any) -> Role:
    """The roles of ``op`` (``type_of``); none when no catalog type holds for it."""
    kind = type_of(op)
    return kind.roles if kind is not None else Role.NONE
