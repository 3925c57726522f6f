"""Convolution layers: Conv1D/2D/3D and their Keras 1/2 spellings."""

from __future__ import annotations

import math
from typing import Any

from kerascheck.catalog.base import (
    Call,
    Explain,
    Invalid,
    LayerType,
    Weight,
    as_tuple,
    channels_axis,
    check_rank,
    conv_output_length,
    known,
)
from kerascheck.unknown import Unknown, is_unknown

DIM_ORDERING = {"th": "channels_first", "tf": "channels_last", "default": None}


def legacy_data_format(cfg: dict[str, Any]) -> dict[str, Any]:
    """Translate Keras 1 ``dim_ordering='th'|'tf'`` into ``data_format``."""
    ordering = cfg.pop("dim_ordering", None)
    if isinstance(ordering, str) and ordering in DIM_ORDERING and "data_format" not in cfg:
        cfg["data_format"] = DIM_ORDERING[ordering]
    return cfg


def spatial_axes(cfg: dict[str, Any], rank: int) -> list[int]:
    channel = channels_axis(cfg, rank)
    return [i for i in range(1, rank) if i != channel]


class Conv(LayerType):
    """Shared logic of Conv1D, Conv2D and Conv3D."""

    rank: int = 2
    positional = (
        "filters",
        "kernel_size",
        "strides",
        "padding",
        "data_format",
        "dilation_rate",
        "groups",
        "activation",
        "use_bias",
    )
    defaults = {
        "strides": 1,
        "padding": "valid",
        "data_format": None,
        "dilation_rate": 1,
        "groups": 1,
        "use_bias": True,
    }
    legacy_kwargs = {
        "nb_filter": "filters",
        "border_mode": "padding",
        "subsample": "strides",
        "subsample_length": "strides",
        "filter_length": "kernel_size",
        "atrous_rate": "dilation_rate",
        "bias": "use_bias",
    }
    ignored_legacy_kwargs = ("init", "W_regularizer", "b_regularizer", "W_constraint", "b_constraint")

    def legacy_args(self, args: list, kwargs: dict, called_as: str) -> tuple[list, dict]:
        # Keras 1: Convolution2D(nb_filter, nb_row, nb_col) and nb_row=/nb_col= keywords.
        if called_as.startswith(("Convolution", "AtrousConvolution", "Deconvolution")):
            n = self.rank
            if len(args) == 1 + n and all(isinstance(a, int) for a in args[1:]):
                args = [args[0], tuple(args[1:])]
        keys = ("kernel_dim1", "kernel_dim2", "kernel_dim3") if self.rank == 3 else ("nb_row", "nb_col")
        if self.rank > 1 and all(k in kwargs for k in keys):
            kwargs["kernel_size"] = tuple(kwargs.pop(k) for k in keys)
        return args, kwargs

    def finish_config(self, cfg: dict[str, Any]) -> dict[str, Any]:
        cfg = legacy_data_format(cfg)
        if isinstance(cfg.get("padding"), str):
            cfg["padding"] = cfg["padding"].lower()
        return cfg

    def output_shape(self, cfg: dict[str, Any], call: Call, ex: Explain):
        shape = call.inputs
        check_rank(shape, self.rank + 2, self.name)
        n = self.rank
        kernel = as_tuple(cfg.get("kernel_size"), n, "kernel_size")
        strides = as_tuple(cfg["strides"], n, "strides")
        dilation = as_tuple(cfg["dilation_rate"], n, "dilation_rate")
        padding = known(cfg["padding"], "padding")
        filters = cfg.get("filters")
        out = list(shape)
        for i, axis in enumerate(spatial_axes(cfg, len(shape))):
            out[axis] = conv_output_length(
                shape[axis], kernel[i], padding, strides[i], dilation[i], ex, axis=f"dim {axis}"
            )
        out[channels_axis(cfg, len(shape))] = Unknown("filters") if is_unknown(filters) else filters
        return tuple(out)

    def weights(self, cfg: dict[str, Any], call: Call, ex: Explain) -> list[Weight]:
        shape = call.inputs
        n = self.rank
        filters = known(cfg["filters"], "filters")
        kernel = as_tuple(cfg["kernel_size"], n, "kernel_size")
        groups = known(cfg["groups"], "groups")
        channels = known(shape[channels_axis(cfg, len(shape))], "the input channels")
        if channels is None:
            raise Invalid(f"{self.name} needs a defined channel dimension, got None", code="KC103")
        if channels % groups or filters % groups:
            raise Invalid(f"groups={groups} must divide both {channels} input channels and {filters} filters")
        per_group = channels // groups
        weights = [Weight("kernel", (*kernel, per_group, filters))]
        window = "×".join(str(k) for k in kernel)
        count = filters * math.prod(kernel) * per_group
        grouped = f" per group of {groups}" if groups > 1 else ""
        text = f"{self.name}: {filters} filters × ({window} kernel × {per_group} input channels{grouped})"
        if known(cfg["use_bias"], "use_bias"):
            weights.append(Weight("bias", (filters,)))
            ex.add(f"{text} + {filters} biases = {count + filters:,}")
        else:
            ex.add(f"{text} (no bias) = {count:,}")
        return weights


class Conv1D(Conv):
    name = "Conv1D"
    aliases = ("Convolution1D", "AtrousConvolution1D")
    rank = 1


class Conv2D(Conv):
    name = "Conv2D"
    aliases = ("Convolution2D", "AtrousConvolution2D")
    rank = 2


class Conv3D(Conv):
    name = "Conv3D"
    aliases = ("Convolution3D",)
    rank = 3


LAYERS = (Conv1D, Conv2D, Conv3D)
