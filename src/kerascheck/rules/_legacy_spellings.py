"""Keras 1/2 spellings of one layer call and their Keras 3 replacements, for KC301.

``spellings(layer)`` lists them as ``old → new`` texts, from the layer's
class name as called, its positional conventions and its keywords (the
catalog's ``legacy_kwargs`` and ``ignored_legacy_kwargs``).
"""

from __future__ import annotations

from typing import Any, TypeGuard

from kerascheck.catalog.base import Invalid, Unresolved
from kerascheck.catalog.convolutional import Conv, ConvTranspose
from kerascheck.catalog.core import Embedding
from kerascheck.catalog.merging import LEGACY_MODES, Dot
from kerascheck.catalog.normalization import BatchNormalization
from kerascheck.graph import Layer
from kerascheck.unknown import contains_unknown

#: catalog aliases that Keras 3's ``keras.layers`` no longer has
REMOVED_ALIASES = (
    "AtrousConvolution1D",
    "AtrousConvolution2D",
    "CuDNNGRU",
    "CuDNNLSTM",
    "Deconvolution2D",
    "Deconvolution3D",
    "Deconv2D",
    "Deconv3D",
)
#: catalog ``ignored_legacy_kwargs`` that Keras 3 still accepts (not legacy)
KERAS3_KEYWORDS = ("depthwise_regularizer", "pointwise_regularizer")
#: Keras 3 spellings of the catalog's ignored Keras 1/2 keywords ("" = removed)
REPLACEMENTS = {
    "init": "kernel_initializer",
    "W_regularizer": "kernel_regularizer",
    "b_regularizer": "bias_regularizer",
    "W_constraint": "kernel_constraint",
    "b_constraint": "bias_constraint",
    "beta_init": "beta_initializer",
    "gamma_init": "gamma_initializer",
    "forget_bias_init": "unit_forget_bias",
    "consume_less": "implementation",
    "causal": "use_causal_mask=True when calling the layer",
}
#: Embedding's weights are its embeddings
EMBEDDING_REPLACEMENTS = {
    "init": "embeddings_initializer",
    "W_regularizer": "embeddings_regularizer",
    "W_constraint": "embeddings_constraint",
    "dropout": "a Dropout layer after it",
}
#: Keras 3 forms of the Keras 1/2 ``Layer`` keywords (``LEGACY_LAYER_KEYWORDS``), but batch_input_shape
LAYER_REPLACEMENTS = {
    "batch_size": "keras.Input(batch_size=…)",
    "weights": "layer.set_weights(…) once built",
    "input_dtype": "dtype",
    "dynamic": "",
}
KERNEL_KEYWORDS = (("nb_row", "nb_col"), ("kernel_dim1", "kernel_dim2", "kernel_dim3"))
KEYWORD_ORDER = {"epsilon": 0, "mode": 1, "axis": 2, "momentum": 3}  # Keras 1 BatchNormalization
MERGE_CALLS = ("merge", "Merge")


def spellings(layer: Layer) -> list[str]:
    """Every Keras 1/2 spelling in the call that built ``layer``, as ``old → new``."""
    if layer.type is None:
        return []
    if layer.called_as in MERGE_CALLS:
        return [_merge(layer)]
    found = []
    positional = _positional(layer)
    if positional:
        found.append(positional)
    elif layer.called_as in REMOVED_ALIASES:
        found.append(f"{layer.called_as} → {layer.class_name}")
    kernel_keywords = next((group for group in KERNEL_KEYWORDS if group[0] in layer.keywords), None)
    if kernel_keywords is not None:
        found.append(f"{'/'.join(kernel_keywords)} → kernel_size={_show(layer.config.get('kernel_size'))}")
    for keyword in layer.keywords:
        text = _keyword(layer, keyword)
        if text:
            found.append(text)
    if _requests_output_shape(layer) and "output_shape" not in layer.keywords:
        found.append(_output_shape(layer))  # given positionally
    found.extend(_omitted(layer))
    return found


def keras3_misreads(layer: Layer) -> str:
    """For Keras 1's ``Convolution2D(32, 3, 3)``, what Keras 3 (which kept the name) makes of it."""
    if not (layer.legacy_positional and isinstance(layer.type, Conv)) or layer.type.rank != 2:
        return ""
    kernel = layer.config.get("kernel_size")
    if layer.called_as in (layer.class_name, *REMOVED_ALIASES) or not _ints(kernel, 2):
        return ""
    return (
        f"Keras 3 still has {layer.called_as} but reads {_conv_call(layer)} as a {kernel[0]}×{kernel[0]} kernel"
        f" with strides={kernel[1]}"
    )


def _positional(layer: Layer) -> str:
    """Keras 1 positional conventions the catalog rewrote."""
    if not layer.legacy_positional:
        return ""
    if isinstance(layer.type, Conv):
        kernel = f"({_dims(layer)})"
        return f"{_conv_call(layer)} → {layer.class_name}({_show(layer.config.get('filters')) or '…'}, {kernel})"
    if isinstance(layer.type, BatchNormalization):
        names = [n for n, i in KEYWORD_ORDER.items() if i < layer.positional_count and n != "mode"]
        given = ", ".join(f"{n}={_show(layer.config.get(n))}" for n in names)
        return f"Keras 1's positional (epsilon, mode, axis, momentum) → BatchNormalization({given})"
    return f"Keras 1 positional arguments → {layer.class_name} keywords"


def _conv_call(layer: Layer) -> str:
    """How the Keras 1 convolution was written: ``Convolution2D(32, 3, 3)``."""
    assert isinstance(layer.type, Conv)  # callers check it
    rest = ", …" if layer.positional_count > 1 + layer.type.rank else ""
    return f"{layer.called_as}({_show(layer.config.get('filters')) or '…'}, {_dims(layer)}{rest})"


def _dims(layer: Layer) -> str:
    """The kernel's sizes, ``3, 3`` (``…`` for unknown ones)."""
    assert isinstance(layer.type, Conv)  # callers check it
    kernel = layer.config.get("kernel_size")
    if not isinstance(kernel, tuple):
        return ", ".join(["…"] * layer.type.rank)
    return ", ".join(_show(k) or "…" for k in kernel)


def _ints(value: Any, n: int) -> TypeGuard[tuple[int, ...]]:
    """A tuple of ``n`` known ints."""
    return isinstance(value, tuple) and len(value) == n and all(isinstance(v, int) for v in value)


def _keyword(layer: Layer, keyword: str) -> str:
    layer_type = layer.type
    assert layer_type is not None  # spellings() returns early for an unknown layer
    if keyword in layer_type.legacy_kwargs:
        new = layer_type.legacy_kwargs[keyword]
        value = _show(layer.config.get(new))
        deprecated = " (deprecated)" if keyword in layer_type.deprecated_kwargs else ""
        old = f"{keyword}={value}" if value else keyword
        return f"{old}{deprecated} → {new}={value}" if value else f"{old}{deprecated} → {new}"
    if keyword == "dim_ordering":
        value = _show(layer.config.get("data_format"))
        return f"dim_ordering → data_format={value}" if value else "dim_ordering → data_format"
    if keyword == "batch_input_shape":
        return f"batch_input_shape → keras.Input(batch_shape={_show(layer.config.get(keyword)) or '…'})"
    if keyword == "input_length":
        return _input_length(layer)
    if keyword == "output_shape" and _requests_output_shape(layer):
        return _output_shape(layer)
    if keyword in LAYER_REPLACEMENTS and keyword not in (*layer_type.positional, *layer_type.keywords):
        new = LAYER_REPLACEMENTS[keyword]
        return f"{keyword} → {new}" if new else f"{keyword} (removed)"
    if keyword in layer_type.ignored_legacy_kwargs and keyword not in KERAS3_KEYWORDS:
        table = EMBEDDING_REPLACEMENTS if isinstance(layer_type, Embedding) else REPLACEMENTS
        new = table.get(keyword, "")
        return f"{keyword} → {new}" if new else f"{keyword} (removed)"
    return ""


def _input_length(layer: Layer) -> str:
    """Keras 1/2's ``input_length``: Keras 3 ignores it (Embedding) or rejects it."""
    assert layer.type is not None  # only _keyword() calls it
    if isinstance(layer.type, Embedding):
        old = "input_length (Keras 3 ignores it)"
        if _called_on_input(layer):
            return f"{old} → remove it"
    else:  # Keras 1's input_dim and input_length together declare a (length, input_dim) input
        old = "/".join(k for k in ("input_dim", "input_length") if k in layer.keywords)
    declared = layer.type.declared_input_shape(layer.config)
    shape = _show(declared[1:]) if isinstance(declared, tuple) and not contains_unknown(declared) else ""
    return f"{old} → keras.Input(shape={shape or '…'})"


def _omitted(layer: Layer) -> list[str]:
    """Parameters Keras 3 requires that the call leaves to their Keras 1/2 default."""
    layer_type = layer.type
    assert layer_type is not None  # only spellings() calls it
    given = {*layer_type.positional[: layer.positional_count], *layer.keywords}
    given |= {layer_type.legacy_kwargs[k] for k in layer.keywords if k in layer_type.legacy_kwargs}
    return [
        f"{name} omitted (Keras 1/2 defaulted it; Keras 3 requires it) → {name}={_show(value)}"
        for name, value in layer_type.legacy_defaults.items()
        if name not in given
    ]


def _requests_output_shape(layer: Layer) -> bool:
    """Keras 1's ``Deconvolution2D(..., output_shape)`` (the catalog keeps it only there)."""
    return isinstance(layer.type, ConvTranspose) and "output_shape" in layer.config


def _output_shape(layer: Layer) -> str:
    """Keras 1's ``Deconvolution2D(..., output_shape)``: the ``output_padding`` Keras 3 needs for it."""
    assert isinstance(layer.type, ConvTranspose)  # _requests_output_shape(layer)
    padding: Any = "…"
    if layer.nodes and layer.nodes[0].inputs:
        try:
            padding = layer.type.keras1_padding(layer.config, layer.nodes[0].inputs[0].shape)
        except (Unresolved, Invalid, TypeError, IndexError):
            pass
    return "output_shape (removed)" if padding is None else f"output_shape → output_padding={padding}"


def _called_on_input(layer: Layer) -> bool:
    """Whether the layer is called on a ``keras.Input`` of the source (not one its own arguments declare)."""
    producers = [t.producer for node in layer.nodes for t in node.inputs if t.producer is not None]
    return any(p.is_input and p.operation.source is not layer.source for p in producers)


def _merge(layer: Layer) -> str:
    """Keras 1's ``merge(..., mode=...)`` or ``Merge`` and the Keras 3 layer it stands for."""
    config = layer.config
    mode = next((m for m, c in LEGACY_MODES.items() if c == layer.class_name), "")
    if isinstance(layer.type, Dot) and config.get("normalize") is True:
        mode = "cos"
    arguments = ", ".join(f"{k}={_show(config[k])}" for k in ("axis", "axes") if k in layer.keywords)
    if mode == "cos":
        arguments += ", normalize=True"
    return f"{layer.called_as}(mode={mode!r}) → {layer.class_name}({arguments})"


def _show(value: Any) -> str:
    """``repr`` of a plain literal (a string, number, or a tuple of them), else ""."""
    if isinstance(value, (tuple, list)):
        parts = [_show(v) for v in value]
        if not all(parts):
            return ""
        if isinstance(value, list):
            return f"[{', '.join(parts)}]"
        return f"({parts[0]},)" if len(parts) == 1 else f"({', '.join(parts)})"
    if value is None or isinstance(value, (str, int, float, bool)):
        return repr(value)
    return ""
