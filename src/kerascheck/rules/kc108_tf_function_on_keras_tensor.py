"""KC108 tf-function-on-keras-tensor, one of kerascheck's rules:
A TensorFlow function (tf.nn.relu, tf.reshape...) called on a Keras tensor of a Functional model.
"""

from __future__ import annotations

from collections.abc import Iterator

from kerascheck.findings import Finding
from kerascheck.libraries.tensorflow_ops import equivalent
from kerascheck.rules.base import Example, Rule, RuleContext

HEADER = "import tensorflow as tf\nimport keras\nfrom keras import layers\n"


class TFFunctionOnKerasTensor(Rule):
    code = "KC108"
    name = "tf-function-on-keras-tensor"
    severity = "error"
    summary = "A TensorFlow function (tf.nn.relu, tf.reshape...) called on a Keras tensor of a Functional model."
    docs = """\
## What it does
Finds TensorFlow functions (`tf.*`: `tf.nn.relu`, `tf.reshape`, `tf.concat`,
`tf.reduce_mean`…) called on the symbolic tensors of a Functional model, the
ones that come from `keras.Input`.

## Why it matters
Keras 2 (`tf.keras` before TensorFlow 2.16) wrapped such calls in
`TFOpLambda` layers.  Keras 3 rejects them: "A KerasTensor cannot be used as
input to a TensorFlow function".  The model fails to build.  (Inside a custom
layer's or a subclassed model's `call()`, TensorFlow functions work: the
tensors there are TensorFlow's own.)

## Example
```python
inputs = keras.Input((32,))
x = layers.Dense(16)(inputs)
x = tf.nn.relu(x)  # ValueError in Keras 3
```

## Fix
Use the `keras.ops` twin (`keras.ops.relu`, `keras.ops.reshape`,
`keras.ops.concatenate`, `keras.ops.mean`…) or a layer (`layers.ReLU()`,
`layers.Reshape`), or move the code into a custom layer's `call()`.
"""
    valid = (
        Example(HEADER + "x = keras.Input((4,))\ny = keras.ops.relu(layers.Dense(3)(x))\nm = keras.Model(x, y)\n", 0),
        # tf functions on data, and inside a subclassed model's call()
        Example(
            HEADER
            + "class Net(keras.Model):\n    def __init__(self):\n        super().__init__()\n"
            "        self.d = layers.Dense(3)\n    def call(self, x):\n        return tf.nn.relu(self.d(x))\n"
            "net = Net()\nout = net(keras.Input((4,)))\nprobs = tf.nn.softmax(net(tf.zeros((1, 4))))\n",
            0,
        ),
    )
    invalid = (
        Example(
            HEADER + "x = keras.Input((4,))\ny = tf.nn.relu(layers.Dense(3)(x))\nm = keras.Model(x, layers.Dense(1)(y))\n",
            1,
            contains="tf.nn.relu",
        ),
        Example(HEADER + "x = keras.Input((4,))\ny = tf.reshape(x, (-1, 2, 2))\n", 1, contains="tf.reshape"),
    )

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for node, path in ctx.facts.tf_on_keras_tensors:
            spelled = "tf." + path.removeprefix("tensorflow.")
            twin = equivalent(path)
            yield self.finding(
                node,
                f"{spelled}() is called on a Keras tensor: Keras 3 rejects TensorFlow functions in a Functional "
                "model ('A KerasTensor cannot be used as input to a TensorFlow function')",
                fix=f"use keras.ops.{twin}" if twin else "use the keras.ops function or a layer that does the same",
            )


RULE = TFFunctionOnKerasTensor()
