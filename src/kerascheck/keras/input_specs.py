"""``InputSpec``: what a layer requires of its inputs (``self.input_spec = InputSpec(ndim=4)``).

A plain object, not a layer: a Layer subclass reads it back
(``self.input_spec[0].shape`` in Keras 1/2 code) and Keras checks every call's
inputs against it (before the first build and after it), refusing inputs of
another rank or size (KC103).  kerascheck reads ``shape``, ``ndim``,
``min_ndim`` and ``max_ndim``, and checks a call's shapes as Keras does; a spec
it cannot check (a ``dtype``, ``allow_last_axis_squeeze``, an unknown argument
or shape) leaves the layer unknown.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kerascheck.catalog.base import Invalid, Unresolved, format_shape
from kerascheck.interpreter.values import Arguments, Opaque
from kerascheck.unknown import Unknown, contains_unknown

#: its parameters that may be given positionally, in order (Keras 1, 2 and 3)
PARAMETERS = ("dtype", "shape", "ndim", "max_ndim", "min_ndim", "axes")
#: the other keywords Keras 3 takes (``name`` and ``optional`` change no check)
KEYWORDS = ("allow_last_axis_squeeze", "name", "optional")


@dataclass(frozen=True)
class InputSpec(Opaque):
    """An ``InputSpec(...)``; ``arguments`` holds its arguments by name."""


def make(path: str, arguments: Arguments) -> Any:
    """``InputSpec(...)``: the spec, or Unknown for arguments Keras would not take."""
    args, kwargs = arguments.positional, arguments.keywords
    taken = set(PARAMETERS + KEYWORDS)
    if arguments.opaque or len(args) > len(PARAMETERS) or set(kwargs) & set(PARAMETERS[: len(args)]) or set(kwargs) - taken:
        return Unknown("InputSpec() with arguments kerascheck does not follow")
    return InputSpec(path, dict(zip(PARAMETERS, args)) | kwargs)


def attribute(spec: InputSpec, name: str) -> Any:
    """``spec.shape``, ``spec.ndim``, ``spec.min_ndim``, ``spec.max_ndim``."""
    given = spec.arguments
    shape = given.get("shape")
    if name == "shape":
        return tuple(shape) if isinstance(shape, (list, tuple)) else shape
    if name == "ndim":
        return len(shape) if isinstance(shape, (list, tuple)) else given.get("ndim")
    if name in ("min_ndim", "max_ndim"):
        return given.get(name)
    return Unknown(f"InputSpec.{name}")


def check(layer: str, value: Any, shapes: Any) -> None:
    """Keras's check of a call's inputs, ``shapes`` (a shape, or a list of them),
    against ``value``, the ``input_spec`` of ``layer``: raises ``Invalid`` when
    Keras refuses them, ``Unresolved`` when kerascheck cannot tell."""
    if value is None:
        return
    specs = list(value) if isinstance(value, (list, tuple)) else [value]
    inputs = shapes if isinstance(shapes, list) else [shapes]
    if len(specs) != len(inputs):
        raise Invalid(f"{layer}: its input_spec expects {len(specs)} inputs, it is given {len(inputs)}", code="KC103")
    for spec, shape in zip(specs, inputs):
        if spec is None:
            continue
        if not isinstance(spec, InputSpec) or not isinstance(shape, tuple) or contains_unknown((spec.arguments, shape)):
            raise Unresolved(f"the input_spec of {layer}, or the input it checks, is not known")
        problem = _refused(spec.arguments, shape)
        if problem:
            raise Invalid(f"{layer}: Keras refuses an input of shape {format_shape(shape)}: its input_spec expects {problem}", code="KC103")


def _refused(given: dict[str, Any], shape: tuple) -> str:
    """Keras's ``assert_input_compatibility`` for one input: what it expects
    that ``shape`` lacks ("" when it accepts it)."""
    if given.get("dtype") is not None or given.get("allow_last_axis_squeeze", False) is not False:
        raise Unresolved("an InputSpec with a dtype or allow_last_axis_squeeze is not modelled")
    expected, rank = given.get("shape"), len(shape)
    ndim = len(expected) if isinstance(expected, (list, tuple)) else given.get("ndim")
    if ndim is not None and rank != ndim:
        return f"ndim={ndim}"
    if given.get("max_ndim") is not None and rank > given["max_ndim"]:
        return f"max_ndim={given['max_ndim']}"
    if given.get("min_ndim") is not None and rank < given["min_ndim"]:
        return f"min_ndim={given['min_ndim']}"
    axes = given.get("axes") or {}
    if not isinstance(axes, dict) or not all(isinstance(a, int) and -rank <= a < rank for a in axes):
        raise Unresolved("an InputSpec with these axes is not modelled")
    for axis, size in axes.items():
        if size is not None and shape[axis] not in (size, None):
            return f"axis {axis} of size {size}"
    if expected is not None and not isinstance(expected, (list, tuple)):
        raise Unresolved("an InputSpec with this shape is not modelled")
    if expected is not None and any(w is not None and d is not None and w != d for w, d in zip(expected, shape)):
        return f"shape={format_shape(tuple(expected))}"
    return ""
