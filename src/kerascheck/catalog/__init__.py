"""The Keras layer catalog: one module per layer family, each listing ``LAYERS``.

``lookup(name)`` finds the ``LayerType`` for a class name or alias
(``Conv2D``, ``Convolution2D``, ``MaxPool2D``...).
"""

from __future__ import annotations

import importlib

from kerascheck.catalog.base import LayerType

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
    return registry().get(name)
