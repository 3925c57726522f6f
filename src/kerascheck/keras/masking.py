"""Keras masks in a Functional graph.

``Embedding(mask_zero=True)`` and ``Masking`` compute a mask with tensor
operations (``NotEqual``, ``Any``) that become rows of the model when a later
layer takes the mask (an RNN, ``GlobalAveragePooling1D``…).  Layers that
support masking pass the mask on unchanged; others drop it.
"""

from __future__ import annotations

from typing import Any

from kerascheck.graph import Layer, Tensor
from kerascheck.keras.session import Session
from kerascheck.unknown import Unknown

#: layers whose ``compute_mask`` returns the input mask unchanged (``supports_masking``)
PASSES_MASK = frozenset(
    """Dense Identity Activation ReLU LeakyReLU PReLU ELU Softmax Dropout AlphaDropout
    GaussianDropout GaussianNoise ActivityRegularization BatchNormalization LayerNormalization
    GroupNormalization UnitNormalization Rescaling Normalization TimeDistributed Lambda
    MultiHeadAttention GroupedQueryAttention""".split()
)
#: layers whose ``call`` takes a ``mask`` argument (the mask becomes an input of the call)
TAKES_MASK = frozenset(
    """SimpleRNN LSTM GRU RNN ConvLSTM1D ConvLSTM2D ConvLSTM3D Bidirectional TimeDistributed
    GlobalAveragePooling1D BatchNormalization Softmax Lambda""".split()
)
RECURRENT = frozenset("SimpleRNN LSTM GRU RNN ConvLSTM1D ConvLSTM2D ConvLSTM3D".split())
MERGES = frozenset("Add Subtract Multiply Average Maximum Minimum Concatenate Dot".split())


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
    name, config = layer.class_name, layer.config
    if name == "Embedding" and config.get("mask_zero") is True and isinstance(first, Tensor):
        return session.call_op("not_equal", [first, 0], {}, node)
    if name == "Masking" and isinstance(first, Tensor):
        not_equal = session.call_op("not_equal", [first, config.get("mask_value", 0.0)], {}, node)
        return session.call_op("any", [not_equal], {"axis": -1}, node)
    if mask is None:
        return None
    if name in RECURRENT:
        return mask if config.get("return_sequences") is True else None
    if name == "Bidirectional":
        inner = config.get("layer")
        return mask if getattr(inner, "config", {}).get("return_sequences") is True else None
    if name in MERGES:
        return mask  # already an unknown mask (see input_mask)
    return mask if name in PASSES_MASK else None
