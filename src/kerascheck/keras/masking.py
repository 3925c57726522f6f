"""Keras masks in a Functional graph.

``Embedding(mask_zero=True)`` and ``Masking`` compute a mask with tensor
operations (``NotEqual``, ``Any``) that become rows of the model when a later
layer takes the mask (an RNN, ``GlobalAveragePooling1D``…).  Layers that
support masking pass the mask on unchanged; others drop it.  Each layer's type
says which (``mask``, ``takes_mask``; ``catalog.type_of``).
"""

from __future__ import annotations

from typing import Any

from kerascheck.catalog import type_of
from kerascheck.catalog.base import Mask
from kerascheck.graph import Layer, Tensor
from kerascheck.keras.session import Session
from kerascheck.unknown import Unknown


def takes_mask(layer: Any) -> bool:
    """Whether the layer's ``call`` takes a ``mask`` argument (the mask becomes an input of the call)."""
    kind = type_of(layer)
    return kind is not None and kind.takes_mask


def input_mask(first: Any) -> Any:
    """The mask carried by a layer's first argument (None when there is none)."""
    if isinstance(first, Tensor):
        return first.mask
    if isinstance(first, list):
        masks = [t.mask for t in first if isinstance(t, Tensor)]
        if any(m is not None for m in masks):
            return Tensor(Unknown("the mask of merged tensors is not modelled"))
    return None


def output_mask(session: Session, layer: Layer, first: Any, mask: Any, node: Any) -> Any:
    """The mask of a layer's output, creating Keras's mask operations where it does."""
    kind, config = type_of(layer), layer.config
    behaviour = kind.mask if kind is not None else Mask.DROPPED
    if behaviour is Mask.NONZERO and config.get("mask_zero") is True and isinstance(first, Tensor):
        return session.call_op("not_equal", [first, 0], {}, node)
    if behaviour is Mask.MASK_VALUE and isinstance(first, Tensor):
        not_equal = session.call_op("not_equal", [first, config.get("mask_value", 0.0)], {}, node)
        return session.call_op("any", [not_equal], {"axis": -1}, node)
    if mask is None:
        return None
    if behaviour is Mask.SEQUENCES:
        return mask if config.get("return_sequences") is True else None
    if behaviour is Mask.WRAPPED_SEQUENCES:
        inner = config.get("layer")
        return mask if getattr(inner, "config", {}).get("return_sequences") is True else None
    if behaviour is Mask.MERGED:
        return mask  # already an unknown mask (see input_mask)
    return mask if behaviour is Mask.PASSED else None
