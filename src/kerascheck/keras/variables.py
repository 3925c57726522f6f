"""Variables a layer may count as its weights.

``self.add_weight(...)`` makes one; so did Keras 1/2's backend: ``K.variable(value)``,
``K.zeros(shape)``, ``K.ones(shape)``, ``K.random_uniform_variable(shape, ...)``,
and an initializer called on a shape (``initializers.get('one')(shape)``: Keras 1's
made a variable, Keras 2's a tensor that ``K.variable`` wrapped).  Each is a
tensor of its shape (what ``call()`` computes with); a Keras 1/2 layer that lists
them in ``self.trainable_weights`` counts them (``custom_layers``).  A shape that
is not known statically gives a tensor of unknown shape, never a variable.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kerascheck.graph import Tensor
from kerascheck.interpreter.values import MISSING, Arguments, Opaque
from kerascheck.libraries.numpy_arrays import Array
from kerascheck.unknown import Unknown, contains_unknown

#: Keras 1/2 backend functions that make a variable of the shape given first
SHAPED = frozenset({"zeros", "ones", "random_uniform_variable", "random_normal_variable"})


@dataclass(eq=False, repr=False)
class Variable(Tensor):
    """A variable of a known shape (no layer produced it)."""


@dataclass(frozen=True)
class Initializer(Opaque):
    """A ``keras.initializers`` value (``initializers.get('one')``, ``initializers.Ones()``)."""


def of_shape(shape: Any, what: str) -> Tensor:
    """A variable of ``shape`` (an int or a sequence of sizes), or a tensor of unknown shape."""
    if isinstance(shape, int) and not isinstance(shape, bool):
        shape = (shape,)
    if isinstance(shape, (list, tuple)) and not contains_unknown(shape) and all(_is_size(d) for d in shape):
        return Variable(tuple(shape))
    return Tensor(Unknown(f"{what} of a shape kerascheck does not know"))


def backend(name: str, arguments: Arguments) -> Any:
    """``K.variable(value)``, ``K.zeros(shape)``...: the variable (MISSING when
    ``name`` is not one of those functions)."""
    args, kwargs = arguments.positional, arguments.keywords
    if name not in SHAPED and name != "variable":
        return MISSING
    if arguments.opaque:
        return Tensor(Unknown(f"K.{name}() of unknown arguments"))
    if name in SHAPED:
        return of_shape(args[0] if args else kwargs.get("shape"), f"K.{name}()")
    value = args[0] if args else kwargs.get("value")
    if isinstance(value, Variable):
        return Variable(value.shape)
    if isinstance(value, Array):
        return of_shape(value.shape, "K.variable()")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return Variable(())
    return Tensor(Unknown("K.variable() of a value kerascheck does not know"))


def initialized(initializer: Initializer, arguments: Arguments) -> Tensor:
    """``initializer(shape)``: a variable of that shape, when the initializer is
    Keras's own (not a function of the source that ``initializers.get`` returns)."""
    given = (*initializer.positional, *initializer.arguments.values())
    if not initializer.complete or initializer.what.endswith(".serialize") or contains_unknown(given):
        return Tensor(Unknown("an initializer kerascheck does not know"))
    if initializer.what.endswith(".get") and not all(v is None or isinstance(v, (str, dict, Initializer)) for v in given):
        return Tensor(Unknown("an initializer kerascheck does not know"))
    args, kwargs = arguments.positional, arguments.keywords
    if arguments.opaque:
        return Tensor(Unknown("an initializer called with unknown arguments"))
    return of_shape(args[0] if args else kwargs.get("shape"), "an initializer's value")


def _is_size(dim: Any) -> bool:
    return isinstance(dim, int) and not isinstance(dim, bool) and dim >= 0
