"""Convolution layers: Conv, transposed, separable and depthwise, with Keras 1/2 spellings."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, ClassVar

from kerascheck.catalog.base import spatial_name, Call, Dim, Explain, Invalid, LayerType, Role, Shape, Unresolved
from kerascheck.catalog.base import ShapeTree, Weight, as_tuple, channels_axis, check_rank, conv_output_length
from kerascheck.catalog.base import KERNEL_KEYWORDS, conv_transpose_output_length, format_shape, known
from kerascheck.unknown import Unknown, is_unknown

DIM_ORDERING = {"th": "channels_first", "tf": "channels_last", "default": None}
KERAS1_CONV_KWARGS = ("init", "W_regularizer", "b_regularizer", "W_constraint", "b_constraint")

#: the keywords Keras 2 refused beside a Keras 1 positional kernel
KERAS2_WINDOW_KEYWORDS = ("padding", "strides", "data_format")


def legacy_data_format(cfg: dict[str, Any]) -> dict[str, Any]:
    """Translate Keras 1 ``dim_ordering='th'|'tf'`` into ``data_format``."""
    ordering = cfg.pop("dim_ordering", None)
    if isinstance(ordering, str) and ordering in DIM_ORDERING and cfg.get("data_format") is None:
        cfg["data_format"] = DIM_ORDERING[ordering]
    return cfg


def spatial_axes(cfg: dict[str, Any], rank: int) -> list[int]:
    channel = channels_axis(cfg, rank)
    return [i for i in range(1, rank) if i != channel]


def check_positive(values: tuple, what: str, layer: str) -> None:
    """Raise ``Invalid`` (KC105) unless every value is a positive integer."""
    if any(isinstance(v, bool) or not isinstance(v, int) or v <= 0 for v in values):
        shown = values[0] if len(values) == 1 else values
        raise Invalid(f"{layer}: {what} must be positive integers, got {shown}", code="KC105")


def input_channels(cfg: dict[str, Any], shape: Shape, layer: str) -> int:
    """The known, defined channel count of a conv input."""
    channels = known(shape[channels_axis(cfg, len(shape))], "the input channels")
    if channels is None:
        raise Invalid(f"{layer} needs a defined channel dimension, got {format_shape(shape)}", code="KC103")
    return channels


def window_text(kernel: tuple[int, ...]) -> str:
    """``3×3``."""
    return "×".join(str(k) for k in kernel)


def count_with_bias(text: str, count: int, bias: int, ex: Explain) -> None:
    """Explain a parameter count: ``text + N biases = total``."""
    if bias:
        ex.add(f"{text} + {bias} biases = {count + bias:,}")
    else:
        ex.add(f"{text} (no bias) = {count:,}")


@dataclass(frozen=True)
class Window:
    """The normalised sliding-window arguments of a convolution."""

    kernel: tuple[int, ...]
    strides: tuple[int, ...]
    dilation: tuple[int, ...]
    padding: str


class Conv(LayerType):
    """Shared logic of all convolutions; as is, Conv1D, Conv2D and Conv3D."""

    rank: ClassVar[int] = 2
    #: call-site name prefixes that take Keras 1 ``(nb_filter, nb_row, nb_col)``
    keras1_prefixes: ClassVar[tuple[str, ...]] = ("Convolution", "AtrousConvolution")
    paddings: ClassVar[tuple[str, ...]] = ("valid", "same")
    #: Keras rejects strides > 1 together with dilation_rate > 1
    strided_dilation_ok: ClassVar[bool] = False
    positional: ClassVar[tuple[str, ...]] = (
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
    keywords: ClassVar[tuple[str, ...]] = KERNEL_KEYWORDS
    legacy_kwargs = {
        "nb_filter": "filters",
        "border_mode": "padding",
        "subsample": "strides",
        "subsample_length": "strides",
        "filter_length": "kernel_size",
        "atrous_rate": "dilation_rate",
        "bias": "use_bias",
    }
    ignored_legacy_kwargs: ClassVar[tuple[str, ...]] = KERAS1_CONV_KWARGS
    converted_legacy_kwargs: ClassVar[tuple[str, ...]] = (
        "nb_row", "nb_col", "kernel_dim1", "kernel_dim2", "kernel_dim3", "dim_ordering"
    )
    roles = Role.READS_FEATURES
    config_attributes: ClassVar[tuple[str, ...]] = ("filters", "use_bias")

    # ----------------------------------------------------------- arguments
    def legacy_args(self, args: list, kwargs: dict, called_as: str) -> tuple[list, dict]:
        # Keras 1: Convolution2D(nb_filter, nb_row, nb_col) and nb_row=/nb_col= keywords;
        # Keras 1.2's Conv2D alias too, told apart by a keyword only Keras 1 had
        n = self.rank
        by_keyword = any(k in kwargs for k in self.keras1_keywords())
        # Keras 2 refused the positional kernel beside one of its own keywords ("passing both
        # kernel_size and strides as integer positional arguments"); Keras 3 reads a stride
        mixed = not by_keyword and any(k in kwargs for k in KERAS2_WINDOW_KEYWORDS)
        keras1 = by_keyword or (called_as.startswith(self.keras1_prefixes) and not mixed)
        if keras1 and n > 1 and len(args) == 1 + n:
            if not any(isinstance(a, (tuple, list)) for a in args[1:]):
                args = [args[0], tuple(args[1:])]
        keys = ("kernel_dim1", "kernel_dim2", "kernel_dim3") if n == 3 else ("nb_row", "nb_col")
        if n > 1 and all(k in kwargs for k in keys):
            kwargs["kernel_size"] = tuple(kwargs.pop(k) for k in keys)
        return args, kwargs

    def keras1_keywords(self) -> tuple[str, ...]:
        """Keywords only Keras 1 took (``border_mode``, ``subsample``, ``bias``, ``init``…)."""
        return (*self.legacy_kwargs, *self.ignored_legacy_kwargs, "dim_ordering")

    def finish_config(self, cfg: dict[str, Any]) -> dict[str, Any]:
        cfg = legacy_data_format(cfg)
        if isinstance(cfg.get("padding"), str):
            cfg["padding"] = cfg["padding"].lower()
        return cfg

    def window(self, cfg: dict[str, Any]) -> Window:
        """Normalise and validate the window arguments, as Keras's constructor does."""
        n = self.rank
        window = Window(
            kernel=as_tuple(cfg.get("kernel_size"), n, "kernel_size"),
            strides=as_tuple(cfg["strides"], n, "strides"),
            dilation=as_tuple(cfg["dilation_rate"], n, "dilation_rate"),
            padding=known(cfg["padding"], "padding"),
        )
        check_positive(window.kernel, "kernel_size", self.name)
        check_positive(window.strides, "strides", self.name)
        check_positive(window.dilation, "dilation_rate", self.name)
        if window.padding not in self.paddings:
            raise Invalid(f"{self.name}: padding must be one of {', '.join(self.paddings)}, got {window.padding!r}")
        if not self.strided_dilation_ok and max(window.strides) > 1 and max(window.dilation) > 1:
            raise Invalid(
                f"{self.name}: strides {window.strides} > 1 cannot be combined with "
                f"dilation_rate {window.dilation} > 1"
            )
        return window

    def check_filters(self, cfg: dict[str, Any]) -> None:
        """Keras's constructor checks on ``filters`` (and ``groups``)."""
        filters, groups = cfg.get("filters"), cfg.get("groups", 1)
        if not is_unknown(filters):
            check_positive((filters,), "filters", self.name)
        if is_unknown(groups) or is_unknown(filters):
            return
        check_positive((groups,), "groups", self.name)
        if filters % groups:
            raise Invalid(f"{self.name}: {filters} filters are not divisible by groups={groups}")

    # ----------------------------------------------------------- semantics
    def output_shape(self, cfg: dict[str, Any], call: Call, ex: Explain) -> ShapeTree:
        shape = call.inputs
        check_rank(shape, self.rank + 2, self.name)
        window = self.window(cfg)
        self.check_filters(cfg)
        out = list(shape)
        for i, axis in enumerate(spatial_axes(cfg, len(shape))):
            out[axis] = self.output_length(cfg, window, i, shape[axis], ex, spatial_name(i, self.rank))
        out[channels_axis(cfg, len(shape))] = self.output_channels(cfg, shape)
        return tuple(out)

    def output_length(self, cfg: dict[str, Any], window: Window, i: int, length: Dim, ex: Explain, axis: str) -> Dim:
        """The output length of spatial axis ``i``."""
        w = window
        return conv_output_length(length, w.kernel[i], w.padding, w.strides[i], w.dilation[i], ex, axis=axis)

    def output_channels(self, cfg: dict[str, Any], shape: Shape) -> Dim:
        filters = cfg.get("filters")
        return Unknown("filters") if is_unknown(filters) else filters

    def weights(self, cfg: dict[str, Any], call: Call, ex: Explain) -> list[Weight]:
        shape = call.inputs
        n = self.rank
        filters = known(cfg["filters"], "filters")
        kernel = as_tuple(cfg["kernel_size"], n, "kernel_size")
        groups = known(cfg["groups"], "groups")
        channels = input_channels(cfg, shape, self.name)
        if channels % groups:
            raise Invalid(f"{self.name}: groups={groups} does not divide the {channels} input channels")
        per_group = channels // groups
        weights = [Weight("kernel", (*kernel, per_group, filters))]
        grouped = f" per group of {groups}" if groups > 1 else ""
        text = f"{self.name}: {filters} filters × ({window_text(kernel)} kernel × {per_group} input channels{grouped})"
        bias = filters if known(cfg["use_bias"], "use_bias") else 0
        if bias:
            weights.append(Weight("bias", (filters,)))
        count_with_bias(text, filters * math.prod(kernel) * per_group, bias, ex)
        return weights


class Conv1D(Conv):
    name = "Conv1D"
    aliases = ("Convolution1D", "AtrousConvolution1D")
    rank = 1
    paddings = ("valid", "same", "causal")
    converted_legacy_kwargs = ("dim_ordering", "input_length")

    def declared_input_shape(self, cfg: dict[str, Any]) -> Shape | None | Unknown:
        # Keras 1/2: Convolution1D(..., input_dim=d, input_length=n) means a (n, d) input.
        if "batch_input_shape" in cfg or "input_shape" in cfg or cfg.get("input_dim") is None:
            return super().declared_input_shape(cfg)
        return (cfg.get("batch_size"), cfg.get("input_length"), cfg["input_dim"])


class Conv2D(Conv):
    name = "Conv2D"
    aliases = ("Convolution2D", "AtrousConvolution2D")
    rank = 2


class Conv3D(Conv):
    name = "Conv3D"
    aliases = ("Convolution3D",)
    rank = 3


# ---------------------------------------------------------------- transposed
class ConvTranspose(Conv):
    """Conv1DTranspose/2D/3D; ``Deconvolution2D``/``Deconv2D`` take Keras 1 arguments.

    Keras 1's ``Deconvolution2D(nb_filter, nb_row, nb_col, output_shape)`` gives
    the rows and columns its ``output_shape`` asks for; Keras 2 dropped the
    argument and added ``output_padding`` instead.  kerascheck keeps the Keras 1
    intent: the layer is Keras 3's with the ``output_padding`` that gives the
    requested shape (``keras1_padding``), or invalid when none does.
    """

    keras1_prefixes = ("Deconv",)
    positional = (
        "filters",
        "kernel_size",
        "strides",
        "padding",
        "output_padding",
        "data_format",
        "dilation_rate",
        "activation",
        "use_bias",
    )
    defaults = {
        "strides": 1,
        "padding": "valid",
        "output_padding": None,
        "data_format": None,
        "dilation_rate": 1,
        "use_bias": True,
    }
    ignored_legacy_kwargs = (*KERAS1_CONV_KWARGS, "output_shape")

    def legacy_args(self, args: list, kwargs: dict, called_as: str) -> tuple[list, dict]:
        # Keras 1: Deconvolution2D(nb_filter, nb_row, nb_col, output_shape).  Only that
        # 2-D layer had output_shape; Keras 2 ignored it in every spelling.
        keras1 = called_as.startswith(self.keras1_prefixes)
        if keras1 and len(args) == self.rank + 2 and isinstance(args[-1], (tuple, list)):
            kwargs.setdefault("output_shape", args[-1])
            args = args[:-1]
        if not (keras1 and self.rank == 2):
            kwargs.pop("output_shape", None)
        return super().legacy_args(args, kwargs, called_as)

    def keras1_padding(self, cfg: dict[str, Any], shape: Shape) -> tuple | None:
        """The ``output_padding`` that gives the rows and columns Keras 1's
        ``output_shape`` asks for (None: Keras 3's default output already has them)."""
        window = self.window(cfg)
        requested = known(cfg["output_shape"], "output_shape")
        axes = spatial_axes(cfg, self.rank + 2)
        if not isinstance(requested, (tuple, list)) or len(requested) != self.rank + 2:
            raise Invalid(f"{self.name}: output_shape {requested!r} is not a shape of rank {self.rank + 2}")
        wanted = [requested[axis] for axis in axes]
        lengths = [known(shape[axis], "the input size") for axis in axes]
        if None in wanted or None in lengths:
            raise Unresolved("output_shape or the input leaves an output size undefined")
        w = window
        if [self._length(w, i, n, None) for i, n in enumerate(lengths)] == wanted:
            return None
        padding = tuple(want - self._length(w, i, n, 0) for i, (want, n) in enumerate(zip(wanted, lengths)))
        if not all(0 <= pad < stride for pad, stride in zip(padding, w.strides)):
            raise Invalid(
                f"{self.name}: Keras 1's output_shape asks for {format_shape(tuple(wanted))} from "
                f"{format_shape(tuple(lengths))}, "
                f"which needs output_padding {padding}, not ≥ 0 and below strides {w.strides}"
            )
        return padding

    @staticmethod
    def _length(w: Window, i: int, length: int, output_padding: int | None) -> Dim:
        return conv_transpose_output_length(length, w.kernel[i], w.padding, w.strides[i], output_padding, w.dilation[i])

    def output_shape(self, cfg: dict[str, Any], call: Call, ex: Explain) -> ShapeTree:
        if cfg.get("output_shape") is None:
            return super().output_shape(cfg, call, ex)
        check_rank(call.inputs, self.rank + 2, self.name)
        padding = self.keras1_padding(cfg, call.inputs)
        keras3 = "its default output" if padding is None else f"output_padding={padding}"
        ex.add(f"Keras 1 output_shape={format_shape(tuple(cfg['output_shape']))}: Keras 3's {keras3}")
        return super().output_shape({**cfg, "output_padding": padding}, call, ex)

    def output_padding(self, cfg: dict[str, Any], window: Window) -> tuple | None:
        padding = cfg.get("output_padding")
        if padding is None:
            return None
        padding = as_tuple(padding, self.rank, "output_padding")
        for pad, stride in zip(padding, window.strides):
            if not isinstance(pad, int) or not 0 <= pad < stride:
                raise Invalid(f"{self.name}: output_padding {padding} must be ≥ 0 and below strides {window.strides}")
        return padding

    def output_length(self, cfg: dict[str, Any], window: Window, i: int, length: Dim, ex: Explain, axis: str) -> Dim:
        w = window
        extra = self.output_padding(cfg, w)
        return conv_transpose_output_length(
            length, w.kernel[i], w.padding, w.strides[i], None if extra is None else extra[i], w.dilation[i], ex, axis
        )

    def check_filters(self, cfg: dict[str, Any]) -> None:
        if not is_unknown(cfg.get("filters")):
            check_positive((cfg.get("filters"),), "filters", self.name)

    def weights(self, cfg: dict[str, Any], call: Call, ex: Explain) -> list[Weight]:
        filters = known(cfg["filters"], "filters")
        kernel = as_tuple(cfg["kernel_size"], self.rank, "kernel_size")
        channels = input_channels(cfg, call.inputs, self.name)
        weights = [Weight("kernel", (*kernel, filters, channels))]
        bias = filters if known(cfg["use_bias"], "use_bias") else 0
        if bias:
            weights.append(Weight("bias", (filters,)))
        text = f"{self.name}: {filters} filters × ({window_text(kernel)} kernel × {channels} input channels)"
        count_with_bias(text, filters * math.prod(kernel) * channels, bias, ex)
        return weights


class Conv1DTranspose(ConvTranspose):
    name = "Conv1DTranspose"
    aliases = ("Convolution1DTranspose",)
    rank = 1


class Conv2DTranspose(ConvTranspose):
    name = "Conv2DTranspose"
    aliases = ("Convolution2DTranspose", "Deconvolution2D", "Deconv2D")
    rank = 2


class Conv3DTranspose(ConvTranspose):
    name = "Conv3DTranspose"
    aliases = ("Convolution3DTranspose", "Deconvolution3D", "Deconv3D")
    rank = 3
    # Keras 3 puts data_format before output_padding here, unlike 1D and 2D.
    positional = (
        "filters",
        "kernel_size",
        "strides",
        "padding",
        "data_format",
        "output_padding",
        "dilation_rate",
        "activation",
        "use_bias",
    )


# ------------------------------------------------------- separable, depthwise
class SeparableConv(Conv):
    """SeparableConv1D/2D: a depthwise then a 1×1 pointwise convolution."""

    keras1_prefixes = ("SeparableConvolution",)
    strided_dilation_ok = True
    positional = (
        "filters",
        "kernel_size",
        "strides",
        "padding",
        "data_format",
        "dilation_rate",
        "depth_multiplier",
        "activation",
        "use_bias",
    )
    defaults = {
        "strides": 1,
        "padding": "valid",
        "data_format": None,
        "dilation_rate": 1,
        "depth_multiplier": 1,
        "use_bias": True,
    }
    keywords = (
        "depthwise_initializer",
        "pointwise_initializer",
        "bias_initializer",
        "depthwise_regularizer",
        "pointwise_regularizer",
        "bias_regularizer",
        "activity_regularizer",
        "depthwise_constraint",
        "pointwise_constraint",
        "bias_constraint",
    )
    ignored_legacy_kwargs = (*KERAS1_CONV_KWARGS, "depthwise_regularizer", "pointwise_regularizer")

    def check_filters(self, cfg: dict[str, Any]) -> None:
        for key in ("filters", "depth_multiplier"):
            if not is_unknown(cfg.get(key)):
                check_positive((cfg.get(key),), key, self.name)

    def weights(self, cfg: dict[str, Any], call: Call, ex: Explain) -> list[Weight]:
        filters = known(cfg["filters"], "filters")
        multiplier = known(cfg["depth_multiplier"], "depth_multiplier")
        kernel = as_tuple(cfg["kernel_size"], self.rank, "kernel_size")
        channels = input_channels(cfg, call.inputs, self.name)
        depthwise = math.prod(kernel) * channels * multiplier
        pointwise = channels * multiplier * filters
        weights = [
            Weight("depthwise_kernel", (*kernel, channels, multiplier)),
            Weight("pointwise_kernel", (*(1,) * self.rank, channels * multiplier, filters)),
        ]
        bias = filters if known(cfg["use_bias"], "use_bias") else 0
        if bias:
            weights.append(Weight("bias", (filters,)))
        text = (
            f"{self.name}: depthwise {window_text(kernel)} kernel × {channels} channels × {multiplier} "
            f"({depthwise:,}) + pointwise {channels * multiplier} × {filters} filters ({pointwise:,})"
        )
        count_with_bias(text, depthwise + pointwise, bias, ex)
        return weights


class SeparableConv1D(SeparableConv):
    name = "SeparableConv1D"
    aliases = ("SeparableConvolution1D",)
    rank = 1


class SeparableConv2D(SeparableConv):
    name = "SeparableConv2D"
    aliases = ("SeparableConvolution2D",)
    rank = 2


class DepthwiseConv(Conv):
    """DepthwiseConv1D/2D: one kernel per input channel, times ``depth_multiplier``."""

    keras1_prefixes = ()
    strided_dilation_ok = True
    config_attributes = ()
    positional = (
        "kernel_size",
        "strides",
        "padding",
        "depth_multiplier",
        "data_format",
        "dilation_rate",
        "activation",
        "use_bias",
    )
    keywords = (
        "depthwise_initializer",
        "bias_initializer",
        "depthwise_regularizer",
        "bias_regularizer",
        "activity_regularizer",
        "depthwise_constraint",
        "bias_constraint",
    )
    defaults = {
        "strides": 1,
        "padding": "valid",
        "depth_multiplier": 1,
        "data_format": None,
        "dilation_rate": 1,
        "use_bias": True,
    }

    def check_filters(self, cfg: dict[str, Any]) -> None:
        if not is_unknown(cfg.get("depth_multiplier")):
            check_positive((cfg.get("depth_multiplier"),), "depth_multiplier", self.name)

    def output_channels(self, cfg: dict[str, Any], shape: Shape) -> Dim:
        multiplier = cfg["depth_multiplier"]
        channels = shape[channels_axis(cfg, len(shape))]
        if is_unknown(multiplier) or is_unknown(channels):
            return Unknown("the output channels")
        if channels is None:
            raise Invalid(f"{self.name} needs a defined channel dimension, got {format_shape(shape)}", code="KC103")
        return channels * multiplier

    def weights(self, cfg: dict[str, Any], call: Call, ex: Explain) -> list[Weight]:
        multiplier = known(cfg["depth_multiplier"], "depth_multiplier")
        kernel = as_tuple(cfg["kernel_size"], self.rank, "kernel_size")
        channels = input_channels(cfg, call.inputs, self.name)
        weights = [Weight("kernel", (*kernel, channels, multiplier))]
        bias = channels * multiplier if known(cfg["use_bias"], "use_bias") else 0
        if bias:
            weights.append(Weight("bias", (bias,)))
        text = f"{self.name}: {channels} channels × {multiplier} multiplier × {window_text(kernel)} kernel"
        count_with_bias(text, math.prod(kernel) * channels * multiplier, bias, ex)
        return weights


class DepthwiseConv1D(DepthwiseConv):
    name = "DepthwiseConv1D"
    rank = 1


class DepthwiseConv2D(DepthwiseConv):
    name = "DepthwiseConv2D"
    rank = 2


LAYERS = (
    Conv1D,
    Conv2D,
    Conv3D,
    Conv1DTranspose,
    Conv2DTranspose,
    Conv3DTranspose,
    SeparableConv1D,
    SeparableConv2D,
    DepthwiseConv1D,
    DepthwiseConv2D,
)
