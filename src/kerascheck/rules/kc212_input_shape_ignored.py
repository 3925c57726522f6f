"""KC212 input-shape-ignored, one of kerascheck's rules:
input_shape= or input_dim= on a layer not first in its Sequential, or called on a tensor: ignored.
"""

from __future__ import annotations

from typing import Any, Iterator

from kerascheck.catalog import type_of
from kerascheck.catalog.base import format_shape
from kerascheck.catalog.core import Embedding
from kerascheck.findings import Finding
from kerascheck.graph import Layer, Model
from kerascheck.modelbuild import sequential_input
from kerascheck.rules._call_sites import once_per_call_site
from kerascheck.rules.base import Example, Rule, RuleContext
from kerascheck.unknown import contains_unknown

SEQ = "import keras\nfrom keras import layers\n"


class InputShapeIgnored(Rule):
    code = "KC212"
    name = "input-shape-ignored"
    severity = "warning"
    summary = "input_shape= or input_dim= on a layer not first in its Sequential, or called on a tensor: ignored."
    docs = """\
## What it does
Finds layers given `input_shape=` or `input_dim=` where Keras does not use it:
on a layer that is not the first of a Sequential model (an `Input` or another
layer comes before it), or on a layer called on a tensor in a Functional graph.
It reports them when the declared shape differs from the shape the layer
actually receives, or when, in a Sequential, the ignored declaration was the
only one and the model stays unbuilt.  In a Sequential whose layers are added
under conditions kerascheck cannot evaluate, a layer always added is reported
when a layer added before it (optional or not) declares a different shape:
whenever that one is in the model, this declaration is ignored.  With `report-matching` it also reports
declarations that match what the layer receives (dead arguments).
(`Embedding`'s `input_dim` is its vocabulary size, not a shape; Keras 3 rejects
`batch_input_shape=` on layers outright, which KC301 reports.)

## Why it matters
Keras only turns the *first* Sequential layer's `input_shape` into the model's
input; everywhere else the argument is silently dropped.  The code reads as if
the layer expected one shape while it gets another: the model that trains is
not the one the author describes (a `Dense(10, input_dim=784)` after a
convolution stack is fed its 1,352 features, not 784), and a Sequential whose
only declaration is ignored has no input shape at all, so nothing is built
until it first sees data.

## Example
```python
model = keras.Sequential([
    keras.Input((28, 28, 1)),
    keras.layers.Flatten(),
    keras.layers.Dense(10, input_dim=100),  # receives 784 features
])
```

## Fix
Declare the input once, with `keras.Input(shape)` as the first item (or on the
first layer only), and remove `input_shape=`/`input_dim=` from the others.
"""
    options = {"report-matching": False}
    valid = (
        Example(SEQ + "m = keras.Sequential([layers.Dense(8, input_shape=(4,)), layers.Dense(2)])\n", 0),
        # first layers chosen by a condition, each declaring its own shape: one of them runs
        Example(
            SEQ + "import sys\nm = keras.Sequential()\nif sys.argv[1]:\n    m.add(layers.Dense(8, input_shape=(4,)))\n"
            "else:\n    m.add(layers.Dense(8, input_shape=(6,)))\nm.add(layers.Dense(2))\n",
            0,
        ),
        # an optional first layer declaring the same shape as the next one
        Example(
            SEQ + "import sys\nm = keras.Sequential()\nif sys.argv[1]:\n"
            "    m.add(layers.GaussianNoise(0.1, input_shape=(4,)))\nm.add(layers.Dense(8, input_shape=(4,)))\n",
            0,
        ),
        Example(
            "from keras.models import Sequential\nfrom keras.layers import Dense\nm = Sequential()\n"
            "m.add(Dense(8, input_dim=4))\nm.add(Dense(2))\n",
            0,
        ),
        # ignored but equal to what the layer receives: dead, harmless (see report-matching)
        Example(
            SEQ + "m = keras.Sequential([keras.Input((4,)), layers.Dense(8), layers.Dense(2, input_shape=(8,))])\n", 0
        ),
        Example(SEQ + "x = keras.Input((4,))\ny = layers.Dense(8, input_dim=4)(x)\nm = keras.Model(x, y)\n", 0),
        # Embedding's input_dim is the vocabulary size
        Example(
            SEQ + "x = keras.Input((20,))\ny = layers.Embedding(input_dim=1000, output_dim=8)(x)\n"
            "m = keras.Model(x, y)\n",
            0,
        ),
        # a None in the declaration accepts any length
        Example(
            SEQ + "x = keras.Input((12, 8))\ny = layers.LSTM(4, input_shape=(None, 8))(x)\nm = keras.Model(x, y)\n", 0
        ),
        # which layer comes first is unknown, and a later layer declares nothing
        Example(
            SEQ + "import sys\nm = keras.Sequential()\nif len(sys.argv) > 1:\n"
            "    m.add(layers.Dense(8, input_shape=(4,)))\nm.add(layers.Dense(2))\n",
            0,
        ),
        # what the layer receives is unknown
        Example(
            SEQ + "import sys\nn = int(sys.argv[1])\n"
            "m = keras.Sequential([keras.Input((n,)), layers.Dense(2, input_shape=(8,))])\n",
            0,
        ),
    )
    invalid = (
        Example(
            SEQ + "m = keras.Sequential([keras.Input((28, 28, 1)), layers.Flatten(),"
            " layers.Dense(10, input_dim=100)])\n",
            contains="dense (Dense): input_dim=100 is ignored, since the layer is not the first of the Sequential"
            " model sequential: it receives (None, 784), not (None, 100)",
        ),
        Example(
            "from keras.models import Sequential\nfrom keras.layers import Dense\nm = Sequential()\n"
            "m.add(Dense(64, input_shape=(20,)))\nm.add(Dense(10, input_shape=(32,)))\n",
            contains="it receives (None, 64), not (None, 32)",
        ),
        Example(
            SEQ + "inputs = keras.Input((16,))\nh = layers.Dense(32, input_shape=(100,))(inputs)\n"
            "m = keras.Model(inputs, h)\n",
            contains="input_shape=(100,) is ignored, since the layer is called on a tensor: it receives (None, 16)",
        ),
        # a first layer added under a condition: whenever it is, the next one's declaration is ignored
        Example(
            "import sys\nfrom keras.models import Sequential\nfrom keras.layers import GaussianNoise, Dense\n"
            "m = Sequential()\nif '--noise' in sys.argv:\n    m.add(GaussianNoise(0.1, input_shape=(16,)))\n"
            "m.add(Dense(32, activation='relu', input_shape=(20,)))\nm.add(Dense(3, activation='softmax'))\n",
            contains="dense (Dense): input_shape=(20,) is ignored whenever gaussian_noise (GaussianNoise), added before "
            "it under a condition, is in the Sequential model sequential: that layer declares (None, 16), this one "
            "(None, 20)",
        ),
        # the only declaration is ignored: the model stays unbuilt
        Example(
            SEQ + "m = keras.Sequential([layers.Dense(64), layers.Dense(10, input_shape=(32,))])\n",
            contains="the model has no input shape and is not built",
        ),
        Example(
            SEQ + "m = keras.Sequential([keras.Input((4,)), layers.Dense(8), layers.Dense(2, input_shape=(8,))])\n",
            contains="it receives (None, 8), as declared",
            options={"report-matching": True},
        ),
    )

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        return once_per_call_site(self.findings(ctx))

    def findings(self, ctx: RuleContext) -> Iterator[Finding]:
        matching = ctx.options["report-matching"]
        for model in ctx.models:
            if model.kind == "sequential" and model.uncertain:
                yield from self.conditional(model)  # which layer comes first depends on a condition
                continue
            view = ctx.view(model)
            for layer in view.layers():
                keyword = _shape_keyword(layer)
                if keyword is None or _honoured(model, layer):
                    continue
                where = (
                    f"the layer is not the first of the Sequential model {model.name}"
                    if model.kind == "sequential"
                    else "the layer is called on a tensor"
                )
                head = f"{layer.name} ({layer.class_name}): {keyword}={layer.config.get(keyword)!r} is ignored, "
                head += f"since {where}"
                if model.kind == "sequential" and sequential_input(model) is None:
                    text = f"{head}: the model has no input shape and is not built"
                    yield self.finding(layer.source, text, fix=FIX)
                    continue
                assert layer.type is not None  # view.layers() yields known layers
                declared = layer.type.declared_input_shape(layer.config)
                received = view.input_shapes(layer)
                if len(received) != 1 or contains_unknown(received[0]) or contains_unknown(declared):
                    continue
                if not _matches(declared, received[0]):
                    text = f"{head}: it receives {format_shape(received[0])}, not {format_shape(declared)}"
                    yield self.finding(layer.source, text, fix=FIX)
                elif matching:
                    text = f"{head}: it receives {format_shape(received[0])}, as declared"
                    yield self.finding(layer.source, text, fix=FIX)


    def conditional(self, model: Model) -> Iterator[Finding]:
        """In a Sequential built under conditions: a layer always added whose declaration
        contradicts that of a layer added before it (under a condition or not): whenever
        that one is in the model, this one's is ignored."""
        layers = [op for op in model.sequence if isinstance(op, Layer) and not op.is_input and op.type is not None]
        for index, layer in enumerate(layers):
            keyword = _shape_keyword(layer)
            if keyword is None or any(layer is op for op in model.conditional_adds):
                continue
            assert layer.type is not None  # filtered above
            declared = layer.type.declared_input_shape(layer.config)
            if declared is None:
                continue
            for before in layers[:index]:
                earlier = before.type.declared_input_shape(before.config) if before.type is not None else None
                if earlier is None or contains_unknown(earlier) or contains_unknown(declared) or earlier == declared:
                    continue
                added = " under a condition" if any(before is op for op in model.conditional_adds) else ""
                text = (
                    f"{layer.name} ({layer.class_name}): {keyword}={layer.config.get(keyword)!r} is ignored whenever "
                    f"{before.name} ({before.class_name}), added before it{added}, is in the Sequential model "
                    f"{model.name}: that layer declares {format_shape(earlier)}, this one {format_shape(declared)}"
                )
                yield self.finding(layer.source, text, fix=FIX)
                break


FIX = "declare the input once, with keras.Input(shape) first, and remove this argument"


def _shape_keyword(layer: Layer) -> str | None:
    """The shape-declaring keyword the layer was given (Embedding's input_dim is not one)."""
    if "input_shape" in layer.keywords:
        return "input_shape"
    if "input_dim" in layer.keywords and not isinstance(type_of(layer), Embedding):
        return "input_dim"
    return None


def _honoured(model: Model, layer: Layer) -> bool:
    """Whether ``layer`` is the first of a Sequential ``model``, whose input it declares."""
    if model.kind != "sequential" or not model.sequence:
        return False
    first = model.sequence[0]
    if first is layer:
        return True
    # Keras turns the first layer's input_shape into an InputLayer placed before it
    implicit = isinstance(first, Layer) and first.is_input and first.source is layer.source
    return implicit and len(model.sequence) > 1 and model.sequence[1] is layer


def _matches(declared: Any, received: Any) -> bool:
    if not isinstance(declared, tuple) or not isinstance(received, tuple) or len(declared) != len(received):
        return False
    return all(d is None or d == r for d, r in zip(declared, received))


RULE = InputShapeIgnored()
