"""TensorFlow functions inside a traced ``call()``, as the ``keras.ops`` they match.

Keras traces a custom layer's or a subclassed model's ``call()`` on backend
tensors, where ``tf.nn.relu(x)`` or ``tf.reshape(x, ...)`` run like their
``keras.ops`` twins (they only matter for shapes there: no rows, no names).
On a Functional model's symbolic tensors Keras 3 rejects TensorFlow functions,
so outside such a trace they stay unknown.
"""

from __future__ import annotations

from typing import Any

from kerascheck.graph import Tensor
from kerascheck.interpreter.values import Arguments

#: TensorFlow function (without ``tensorflow.``) → keras.ops function
EQUIVALENTS = {
    **{name: name for name in ("add", "subtract", "multiply", "divide", "maximum", "minimum", "matmul", "einsum")},
    **{name: name for name in ("exp", "sqrt", "square", "abs", "sigmoid", "tanh", "cast", "reshape", "transpose")},
    **{name: name for name in ("expand_dims", "squeeze", "stack", "where", "broadcast_to", "zeros_like", "ones_like")},
    "concat": "concatenate",
    "identity": "stop_gradient",
    "stop_gradient": "stop_gradient",
    "nn.relu": "relu",
    "nn.sigmoid": "sigmoid",
    "nn.tanh": "tanh",
    "nn.softmax": "softmax",
    "nn.log_softmax": "log_softmax",
    "nn.gelu": "gelu",
    "nn.silu": "silu",
    "nn.swish": "silu",
    "math.exp": "exp",
    "math.log": "log",
    "math.sqrt": "sqrt",
    "math.square": "square",
    "math.abs": "abs",
    "math.sigmoid": "sigmoid",
    "math.tanh": "tanh",
    "math.add": "add",
    "math.multiply": "multiply",
    "math.maximum": "maximum",
    "math.minimum": "minimum",
    "reduce_mean": "mean",
    "reduce_sum": "sum",
    "reduce_max": "max",
    "reduce_min": "min",
    "math.reduce_mean": "mean",
    "math.reduce_sum": "sum",
    "math.reduce_max": "max",
    "math.reduce_min": "min",
}
#: keras.ops function → TensorFlow keyword → keras.ops keyword
KEYWORDS = {"reshape": {"shape": "newshape"}, "transpose": {"perm": "axes"}}
#: TensorFlow's names for the tensor argument(s)
TENSOR_KEYWORDS = ("x", "y", "a", "b", "input", "input_tensor", "tensor", "values", "features", "logits")


def equivalent(path: str) -> str | None:
    """The keras.ops function for ``tensorflow.PATH``, if it has an exact twin."""
    return EQUIVALENTS.get(path.removeprefix("tensorflow."))


def arguments(function: str, given: Arguments) -> tuple[list, dict[str, Any]]:
    """TensorFlow's arguments of the keras.ops ``function`` in its form: tensors
    positional, keywords renamed."""
    args = list(given.positional)
    rest = {}
    renamed = KEYWORDS.get(function, {})
    for key, value in given.keywords.items():
        if key == "name":
            continue
        if key in TENSOR_KEYWORDS:
            args.append(value)
        else:
            rest[renamed.get(key, key)] = value
    return args, rest


def on_keras_tensor(values: list) -> bool:
    """Whether a value is (or holds) a symbolic Keras tensor: one computed from a
    ``keras.Input``, not from data a model was called on."""
    stack = list(values)
    seen: set[int] = set()
    while stack:
        value = stack.pop()
        if isinstance(value, (list, tuple)):
            stack.extend(value)
        elif isinstance(value, dict):
            stack.extend(value.values())
        elif isinstance(value, Tensor) and id(value) not in seen:
            seen.add(id(value))
            if value.alternatives:
                stack.extend(value.alternatives)
            elif value.producer is not None:
                if value.producer.is_input:
                    return True
                stack.extend(value.producer.inputs)
    return False
