"""Keras's own helper functions that model code calls, modelled as built-ins.

``keras.applications`` code calls ``imagenet_utils.obtain_input_shape``,
``backend.is_keras_tensor``, ``operation_utils.get_source_inputs``...  They are
part of Keras, so kerascheck knows what they return instead of reading them.
"""

from __future__ import annotations

from typing import Any, Callable

from kerascheck.graph import Tensor
from kerascheck.unknown import Unknown, contains_unknown

#: the Keras modules whose helpers are modelled here: never read from source
MODULES = frozenset({"keras.applications.imagenet_utils"})


def obtain_input_shape(
    input_shape: Any,
    default_size: Any,
    min_size: Any,
    data_format: Any,
    require_flatten: Any,
    weights: Any = None,
) -> Any:
    """The input shape a keras.applications constructor settles on."""
    values = (input_shape, default_size, min_size, data_format, require_flatten, weights)
    if contains_unknown(values):
        return Unknown("obtain_input_shape() of unknown arguments")
    first = data_format == "channels_first"
    if weights != "imagenet" and input_shape and len(input_shape) == 3:
        channels = input_shape[0] if first else input_shape[-1]
        default = (channels, default_size, default_size) if first else (default_size, default_size, channels)
    else:
        default = (3, default_size, default_size) if first else (default_size, default_size, 3)
    if weights == "imagenet" and require_flatten:
        if input_shape is not None and tuple(input_shape) != default:
            return Unknown("obtain_input_shape() rejects this input shape")
        return default
    if input_shape:
        if len(input_shape) != 3:
            return Unknown("obtain_input_shape() rejects this input shape")
        spatial = input_shape[1:] if first else input_shape[:2]
        if any(d is not None and d < min_size for d in spatial):
            return Unknown(f"input smaller than {min_size}×{min_size}")
        result = tuple(input_shape)
    elif require_flatten:
        result = default
    else:
        result = (3, None, None) if first else (None, None, 3)
    if require_flatten and None in result:
        return Unknown("include_top needs a static input shape")
    return result


def correct_pad(inputs: Any, kernel_size: Any, data_format: str) -> Any:
    """Zero-padding that keeps a strided 2-D convolution aligned."""
    if not isinstance(inputs, Tensor) or contains_unknown(inputs.shape) or contains_unknown(kernel_size):
        return Unknown("correct_pad() of an unknown shape")
    axis = 2 if data_format == "channels_first" else 1
    size = inputs.shape[axis : axis + 2]
    kernel = (kernel_size, kernel_size) if isinstance(kernel_size, int) else tuple(kernel_size)
    adjust = (1, 1) if size[0] is None else (1 - size[0] % 2, 1 - size[1] % 2)
    correct = (kernel[0] // 2, kernel[1] // 2)
    return ((correct[0] - adjust[0], correct[0]), (correct[1] - adjust[1], correct[1]))


def source_inputs(tensor: Any) -> Any:
    """``get_source_inputs``: the input tensors a tensor was computed from."""
    if not isinstance(tensor, Tensor):
        return Unknown("get_source_inputs() of an unknown value")
    found: list[Tensor] = []
    stack, seen = [tensor], set()
    while stack:
        current = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        node = current.producer
        if node is None:
            return Unknown("get_source_inputs() through unknown code")
        if node.is_input:
            found.append(current)
        else:
            stack.extend(node.inputs)
    return found


def normalize_tuple(value: Any, n: Any, name: Any = "", allow_zero: Any = False) -> Any:
    """Keras 2's ``conv_utils.normalize_tuple`` (Keras 3's ``standardize_tuple``):
    an int repeated ``n`` times, or a tuple of ``n`` ints as it is."""
    if isinstance(value, int) and not isinstance(value, bool) and isinstance(n, int):
        return (value,) * n
    if isinstance(value, (tuple, list)) and len(value) == n and all(isinstance(v, int) and not isinstance(v, bool) for v in value):
        return tuple(value)
    return Unknown(f"normalize_tuple() of {name or 'a value'} kerascheck cannot read")


def conv_output_length(input_length: Any, filter_size: Any, padding: Any, stride: Any, dilation: Any = 1) -> Any:
    """Keras 2's ``conv_utils.conv_output_length``: one axis of a convolution's output."""
    if input_length is None:
        return None
    values = (input_length, filter_size, stride, dilation)
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in values) or padding not in PADDINGS or stride < 1:
        return Unknown("conv_output_length() of unknown arguments")
    dilated = filter_size + (filter_size - 1) * (dilation - 1)
    length = {"same": input_length, "causal": input_length, "valid": input_length - dilated + 1, "full": input_length + dilated - 1}[padding]
    return (length + stride - 1) // stride


def normalize_data_format(value: Any, data_format: str) -> Any:
    """Keras 2's ``conv_utils.normalize_data_format`` (``backend.normalize_data_format``)."""
    if value is None:
        return data_format
    if isinstance(value, str) and value.lower() in ("channels_first", "channels_last"):
        return value.lower()
    return Unknown("normalize_data_format() of a value kerascheck cannot read")


#: the paddings ``conv_output_length`` takes
PADDINGS = ("same", "causal", "valid", "full")


def call(name: str, args: list, kwargs: dict, data_format: str) -> Any:
    """Evaluate the Keras helper ``name``, or return None if it is not one."""
    if name in ("obtain_input_shape", "_obtain_input_shape"):  # the second: Keras 2's and keras_applications'
        if "include_top" in kwargs:  # Keras 2.0's name of require_flatten
            kwargs = dict(kwargs)
            kwargs["require_flatten"] = kwargs.pop("include_top")
        try:
            return obtain_input_shape(*args, **kwargs)
        except TypeError:
            return Unknown("obtain_input_shape() with arguments it does not take")
    if name == "correct_pad":
        return correct_pad(*args, **kwargs, data_format=data_format)  # type: ignore[misc]  # the source's arguments
    if name == "is_keras_tensor":
        return isinstance(args[0], Tensor) if args else Unknown("is_keras_tensor()")
    if name == "get_source_inputs":
        return source_inputs(args[0]) if args else Unknown("get_source_inputs()")
    if name == "validate_activation":
        return None
    helper = HELPERS.get(name)
    if helper is not None:
        try:
            return helper(*args, **kwargs)
        except TypeError:
            return Unknown(f"{name}() with arguments it does not take")
    if name == "normalize_data_format":
        return normalize_data_format(args[0] if args else kwargs.get("value"), data_format)
    if name == "normalize_padding" and args and isinstance(args[0], str):
        return args[0].lower()
    return NOT_A_HELPER


HELPERS: dict[str, Callable[..., Any]] = {"normalize_tuple": normalize_tuple, "standardize_tuple": normalize_tuple, "conv_output_length": conv_output_length}


NOT_A_HELPER = object()
