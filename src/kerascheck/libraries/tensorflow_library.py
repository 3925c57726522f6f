"""TensorFlow as the interpreter sees it: ``tf.zeros(...)`` and the like make
arrays of known shape (data a model may be called on); inside a traced
``call()`` a TensorFlow function runs as its ``keras.ops`` twin
(``tensorflow_ops``), and ``tf.shape(x)`` is the sizes Keras's trace knows
(``keras.dynamic``); on a Functional model's Keras tensors Keras 3 rejects
it, which the rules are told (``graph.Facts.tf_on_keras_tensors``)."""

from __future__ import annotations

from typing import Any

import libcst as cst

from kerascheck.graph import Tensor
from kerascheck.interpreter.library import NOT_HANDLED, Library
from kerascheck.interpreter.values import Arguments, Ref
from kerascheck.keras import dynamic
from kerascheck.keras.library import KerasLibrary
from kerascheck.libraries import numpy_arrays as arrays
from kerascheck.libraries import tensorflow_ops
from kerascheck.unknown import Unknown

CONSTANTS = {"tensorflow.newaxis": None}


class TensorFlowLibrary(Library):
    prefixes = ("tensorflow",)
    packages = ("tensorflow",)
    constants = CONSTANTS

    def __init__(self, keras: KerasLibrary) -> None:
        self.keras = keras

    def call_name(self, func: Ref, arguments: Arguments, node: cst.CSTNode) -> Any:
        if not func.path.startswith("tensorflow."):
            return NOT_HANDLED
        name = func.path[len("tensorflow."):]
        session = self.keras.session
        args = arguments.positional
        if name == "shape" and session.scratch and len(args) == 1 and isinstance(args[0], Tensor):
            shape = dynamic.traced_shape(args[0].shape)  # a 1-D tensor: the sizes TensorFlow knows
            return dynamic.ShapeTensor(shape) if isinstance(shape, tuple) else shape
        result = dynamic.created(name, arguments)
        if result is None:
            result = arrays.create(name, arguments, tensor=True)
        if result is not arrays.NOT_ARRAY:
            return result
        twin = tensorflow_ops.equivalent(func.path)
        if twin is not None and session.scratch:  # in a traced call(): backend tensors
            return session.call_op(twin, *tensorflow_ops.arguments(twin, arguments), node)
        values = [*arguments.positional, *arguments.keywords.values()]
        if not session.scratch and tensorflow_ops.on_keras_tensor(values):
            session.facts.tf_on_keras_tensors.append((node, func.path))
            return Tensor(Unknown("Keras 3 rejects a TensorFlow function on a Keras tensor"))
        return NOT_HANDLED
