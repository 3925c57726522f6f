"""KC216 subclassed-build-unbuilt, one of kerascheck's rules:
model.build(shape) on a subclassed model without build(): Keras 3 leaves its layers unbuilt.
"""

from __future__ import annotations

from collections.abc import Iterator

from kerascheck.findings import Finding
from kerascheck.rules.base import Example, Rule, RuleContext

NET = """\
import keras
from keras import layers

class Net(keras.Model):
    def __init__(self):
        super().__init__()
        self.hidden = layers.Dense(64, activation="relu")
        self.out = layers.Dense(10)

    def call(self, x):
        return self.out(self.hidden(x))

model = Net()
"""


class SubclassedBuildUnbuilt(Rule):
    code = "KC216"
    name = "subclassed-build-unbuilt"
    severity = "warning"
    summary = "model.build(shape) on a subclassed model without build(): Keras 3 leaves its layers unbuilt."
    docs = """\
## What it does
Finds `model.build(input_shape)` on an instance of a `keras.Model` subclass
that does not define its own `build()`.

## Why it matters
Keras 2 (`tf.keras` before TensorFlow 2.16) traced `call()` in `build()`, so
the layers got their weights there.  Keras 3 only marks the model built: the
layers stay unbuilt until the model is first called.  Right after `build()`,
`model.summary()` shows every layer as `0 (unbuilt)` with 0 parameters,
`model.count_params()` raises, and `model.load_weights(...)` fails because
the variables do not exist yet.  kerascheck reports the shapes and counts the
first call on that shape gives (what Keras 2's `build()` gave).

## Example
```python
model = Net()
model.build((None, 784))
model.summary()  # Keras 3: "0 (unbuilt)" on every layer
```

## Fix
Call the model on a symbolic input instead: `model(keras.Input(shape=(784,)))`
(or on a batch of data), or give the class a `build(self, input_shape)` that
builds its layers.
"""
    valid = (
        Example(NET + "model(keras.Input(shape=(784,)))\n", 0),
        # a build() of its own decides what is built
        Example(NET.replace("    def call", "    def build(self, input_shape):\n        super().build(input_shape)\n\n    def call") + "model.build((None, 784))\n", 0),
        # Sequential.build() builds its layers
        Example("import keras\nm = keras.Sequential([keras.layers.Dense(4)])\nm.build((None, 8))\n", 0),
    )
    invalid = (
        Example(NET + "model.build((None, 784))\nmodel.summary()\n", 1, contains="until the first call"),
        Example(NET + "model.build(input_shape=(None, 784))\n", 1, contains="net (Net)"),
    )

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for node, model, shape in ctx.facts.subclassed_builds:
            text = _input_text(shape)
            yield self.finding(
                node,
                f"{model.name} ({model.class_name}): in Keras 3, build() does not build the layers of a subclassed "
                "model: they stay unbuilt (0 parameters in summary(), load_weights() fails) until the first call",
                fix=f"call the model on keras.Input(shape={text}) instead, or define {model.class_name}.build()",
            )


def _input_text(shape: object) -> str:
    """``(None, 784)`` → ``(784,)``: the shape keras.Input takes (without the batch axis)."""
    if isinstance(shape, (tuple, list)) and len(shape) > 1 and all(d is None or isinstance(d, int) for d in shape):
        rest = tuple(shape[1:])
        return repr(rest)
    return "..."


RULE = SubclassedBuildUnbuilt()
