"""KC301 legacy-keras-api, one of kerascheck's rules:
A Keras 1/2 spelling (border_mode=, Convolution2D(32, 3, 3), merge()…) and its Keras 3 form.
"""

from __future__ import annotations

from typing import Any, Iterator

from kerascheck.catalog.convolutional import DIM_ORDERING
from kerascheck.findings import Finding
from kerascheck.graph import Layer
from kerascheck.rules._legacy_fixes import keyword_edits, legacy_edits
from kerascheck.rules._legacy_spellings import keras3_misreads, spellings
from kerascheck.rules.base import Example, Rule, RuleContext

#: attributes Keras 3 removed → (what has them, what to read instead)
ATTRIBUTES = {
    "output_shape": ("layer", "layer.output.shape"),
    "input_shape": ("layer", "layer.input.shape"),
    "_keras_shape": ("tensor", "tensor.shape"),
}
#: sublayers a layer's config holds (wrappers, RNN cells)
SUBLAYER_KEYS = ("layer", "backward_layer", "cell")
K1 = "from keras.models import Sequential\nfrom keras.layers import *\n"
SEQ = "import keras\nfrom keras import layers\n"


class LegacyKerasAPI(Rule):
    code = "KC301"
    name = "legacy-keras-api"
    severity = "info"
    summary = "A Keras 1/2 spelling (border_mode=, Convolution2D(32, 3, 3), merge()…) and its Keras 3 form."
    docs = """\
## What it does
Lists the Keras 1/2 spellings of each layer call, with their Keras 3 form, in
one diagnostic per call: keyword arguments (`border_mode` → `padding`,
`nb_filter` → `filters`, `subsample` → `strides`, `init` →
`kernel_initializer`, `output_dim` → `units`, `W_regularizer`, `dim_ordering`
→ `data_format`, `p` → `rate`, Embedding's `input_length`…), class names that
Keras 3 no longer has (`Deconvolution2D`, `AtrousConvolution2D`, `CuDNNLSTM`…),
Keras 1's positional conventions (`Convolution2D(32, 3, 3)` for a 3×3 kernel),
its `merge(..., mode=...)` function, and arguments Keras 3 requires that Keras
1/2 defaulted (`AveragePooling2D()`: a 2×2 pool, as Keras 1/2 read it).  Outside layer calls it reports
`K.set_image_dim_ordering()`/`K.image_dim_ordering()`, `Model(input=...,
output=...)`, and the attributes Keras 3 removed (`layer.output_shape`,
`layer.input_shape`, `tensor._keras_shape`), pointing at the call or the
attribute.  Aliases Keras 3 still accepts (`MaxPool2D`, `Convolution2D` with a
tuple kernel) are not reported.

## Why it matters
Keras 3 rejects most of these spellings ("Unrecognized keyword arguments",
missing attributes), so legacy code fails at its first layer.  Some it accepts
with a changed meaning: `Convolution2D(32, 3, 3)` still runs in Keras 3, as a
3×3 kernel with *stride 3*.  kerascheck reads legacy code with its original
intent; this rule lists what to change to run it on Keras 3.

## Example
```python
model.add(Convolution2D(32, 3, 3, border_mode="same", init="he_normal"))
model.add(Dense(output_dim=10))
```

## Fix
Use the Keras 3 spelling the message gives:
`Conv2D(32, (3, 3), padding="same", kernel_initializer="he_normal")`,
`Dense(units=10)`.  Where every spelling of a call has a Keras 3 form that
means the same (a keyword renamed, `dim_ordering='th'`, Keras 1's kernel axes
one by one, `Model(input=, output=)`), `kerascheck check --fix` and the
editor's quick fix write it for you.
"""
    valid = (
        Example(
            SEQ + "m = keras.Sequential([keras.Input((28, 28, 1)), layers.Conv2D(32, (3, 3), padding='same'),"
            " layers.MaxPool2D(), layers.Flatten(), layers.Dense(units=10)])\n",
            0,
        ),
        # an alias Keras 3 still has, with a Keras 3 kernel
        Example(SEQ + "m = keras.Sequential([keras.Input((28, 28, 1)), layers.Convolution2D(8, (3, 3))])\n", 0),
        # Keras 3's SeparableConv2D keeps depthwise_regularizer and pointwise_regularizer
        Example(
            SEQ + "m = keras.Sequential([keras.Input((28, 28, 3)),"
            " layers.SeparableConv2D(8, 3, depthwise_regularizer='l2', pointwise_regularizer='l2')])\n",
            0,
        ),
        # Keras 3's own merge functions, data format and Model keywords
        Example(
            SEQ + "keras.backend.set_image_data_format('channels_last')\na = keras.Input((4,))\nb = keras.Input((4,))\n"
            "m = keras.Model(inputs=[a, b], outputs=layers.concatenate([a, b]))\nprint(m.output_shape)\n",
            0,
        ),
    )
    invalid = (
        Example(
            K1 + "m = Sequential()\n"
            "m.add(Convolution2D(32, 3, 3, border_mode='valid', init='he_normal', input_shape=(28, 28, 1)))\n",
            contains="conv2d (Conv2D): Keras 1/2 spellings: Convolution2D(32, 3, 3) → Conv2D(32, (3, 3)),"
            " border_mode='valid' → padding='valid', init → kernel_initializer. Keras 3 still has Convolution2D"
            " but reads Convolution2D(32, 3, 3) as a 3×3 kernel with strides=3",
        ),
        Example(
            K1 + "m = Sequential()\nm.add(Dense(output_dim=64, input_dim=100, W_regularizer='l2'))\n"
            "m.add(Dropout(p=0.5))\nm.add(Dense(10, bias=False))\n",
            count=3,
        ),
        Example(
            K1 + "m = Sequential([Conv2D(nb_filter=8, nb_row=3, nb_col=3, subsample=(2, 2), dim_ordering='tf',"
            " input_shape=(28, 28, 1))])\n",
            contains="nb_row/nb_col → kernel_size=(3, 3), nb_filter=8 → filters=8,"
            " subsample=(2, 2) → strides=(2, 2), dim_ordering → data_format='channels_last'",
        ),
        Example(
            K1 + "m = Sequential([Deconvolution2D(8, 3, 3, output_shape=(None, 10, 10, 8), input_shape=(8, 8, 4))])\n",
            contains="Deconvolution2D(8, 3, 3) → Conv2DTranspose(8, (3, 3)), output_shape (removed)",
        ),
        Example(
            K1 + "m = Sequential([Deconvolution2D(8, 3, 3, (None, 18, 17, 8), subsample=(2, 2), input_shape=(8, 8, 4))])\n",
            contains="subsample=(2, 2) → strides=(2, 2), output_shape → output_padding=(1, 0)",
        ),
        Example(K1 + "m = Sequential([CuDNNLSTM(32, input_shape=(10, 8))])\n", contains="CuDNNLSTM → LSTM"),
        Example(
            K1 + "m = Sequential([AveragePooling2D(strides=1, input_shape=(8, 8, 3)), AveragePooling2D((2, 2))])\n",
            contains="pool_size omitted (Keras 1/2 defaulted it; Keras 3 requires it) → pool_size=2",
        ),
        Example(
            "from keras.layers import Input, Dense, merge\nfrom keras.models import Model\n"
            "a = Input(shape=(8,))\nb = Input(shape=(8,))\n"
            "m = Model(input=[a, b], output=merge([a, b], mode='concat', concat_axis=-1))\n",
            count=2,
        ),
        Example(
            "from keras.layers import Input, merge\na = Input(shape=(8,))\nb = Input(shape=(8,))\n"
            "from keras.models import Model\nm = Model([a, b], merge([a, b], mode='cos', dot_axes=1))\n",
            contains="merge(mode='cos') → Dot(axes=1, normalize=True)",
        ),
        Example(
            "from keras import backend as K\nfrom keras.models import Sequential\nfrom keras.layers import Conv2D\n"
            "K.set_image_dim_ordering('th')\nm = Sequential([Conv2D(8, (3, 3), input_shape=(1, 28, 28))])\n",
            contains="set_image_dim_ordering('th') → keras.backend.set_image_data_format('channels_first')",
        ),
        Example(
            SEQ + "m = keras.Sequential([keras.Input((4,)), layers.Dense(3)])\nprint(m.layers[0].output_shape)\n",
            contains="layer.output.shape",
        ),
        Example(
            SEQ + "m = keras.Sequential([keras.Input((10,)), layers.Embedding(1000, 8, input_length=10)])\n",
            contains="input_length (Keras 3 ignores it) → remove it",
        ),
        Example(
            K1 + "m = Sequential([Embedding(1000, 8, input_length=10),"
            " TimeDistributed(Dense(output_dim=4)), LeakyReLU(alpha=0.1)])\n",
            count=3,
        ),
        Example(
            K1 + "m = Sequential([Dense(8, batch_size=16, input_shape=(4,), weights=None), Embedding(5, 2, weights=None)])\n",
            contains="batch_size → keras.Input(batch_size=…), weights → layer.set_weights(…) once built",
        ),
        Example(
            K1 + "m = Sequential([Dense(8, input_dim=4), BatchNormalization(1e-3, 0, -1, 0.9)])\n",
            contains="Keras 1's positional (epsilon, mode, axis, momentum) → BatchNormalization(epsilon=0.001,"
            " axis=-1, momentum=0.9)",
        ),
        # one diagnostic for a call that builds a layer on each turn of a loop
        Example(
            K1 + "m = Sequential([ZeroPadding2D((1, 1), input_shape=(32, 32, 3))])\n"
            "for f in (32, 64):\n    m.add(Convolution2D(f, 3, 3, border_mode='same'))\n",
            contains="Convolution2D(32, 3, 3) → Conv2D(32, (3, 3)), border_mode='same' → padding='same'",
        ),
        Example(
            "import keras\nfrom keras import backend as K\n"
            "shape = (1, 28, 28) if K.image_dim_ordering() == 'th' else (28, 28, 1)\n"
            "x = keras.Input(shape)\nprint(x._keras_shape)\n",
            count=2,
        ),
    )

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        sites: dict[int, list[Layer]] = {}  # one diagnostic per call site, even for layers built in a loop
        for model in ctx.models:
            for layer in _with_sublayers(ctx.view(model).layers()):
                sites.setdefault(id(layer.source), []).append(layer)
        for layers in sites.values():
            diagnostic = self.layer_diagnostic(layers)
            if diagnostic is not None:
                yield diagnostic
        for node, name in ctx.facts.legacy_attributes:
            if name in ATTRIBUTES:
                owner, replacement = ATTRIBUTES[name]
                message = f"Keras 1/2 spelling: {owner}.{name} → {replacement} (Keras 3 {owner}s have no .{name})"
                yield self.finding(node, message, fix=f"read {replacement}")
        for node, function, argument in ctx.facts.legacy_calls:
            old, new = _call_spellings(function, argument)
            edits = keyword_edits(node, {k: f"{k}s" for k in argument}) if function == "Model" else ()
            yield self.finding(node, f"Keras 1/2 spelling: {old} → {new}", fix=f"call {new}", edits=edits)

    def layer_diagnostic(self, layers: list[Layer]) -> Finding | None:
        """The diagnostic of the first of the layers one call made; its fix's edits
        when they are those of every layer the call made."""
        layer = layers[0]
        found = spellings(layer)
        if not found:
            return None
        plural = "s" if len(found) > 1 else ""
        message = f"{layer.name} ({layer.class_name}): Keras 1/2 spelling{plural}: {', '.join(found)}"
        misread = keras3_misreads(layer)
        if misread:
            message += f". {misread}"
        new = ", ".join(text.split(" → ", 1)[1] for text in found if " → " in text)
        fix = f"use the Keras 3 spelling: {new}" if new else "remove the Keras 1/2 arguments"
        edits = legacy_edits(layer, len(found))
        if any(legacy_edits(other, len(spellings(other))) != edits for other in layers[1:]):
            edits = ()
        return self.finding(layer.source, message, fix=fix, edits=edits)


def _with_sublayers(layers: Iterator[Layer]) -> Iterator[Layer]:
    """The layers and the layers they wrap (``TimeDistributed(Dense(...))``, RNN cells)."""
    for layer in layers:
        yield layer
        for key in SUBLAYER_KEYS:
            inner = layer.config.get(key)
            if isinstance(inner, Layer) and inner.type is not None:
                yield from _with_sublayers(iter([inner]))


def _call_spellings(function: str, argument: Any) -> tuple[str, str]:
    """A legacy call as written, and its Keras 3 form."""
    if function == "set_image_dim_ordering":
        shown = f"{argument!r}" if isinstance(argument, str) else "…"
        data_format = DIM_ORDERING.get(argument) if isinstance(argument, str) else None
        new = f"{data_format!r}" if data_format is not None else "…"
        return f"set_image_dim_ordering({shown})", f"keras.backend.set_image_data_format({new})"
    if function == "image_dim_ordering":
        return "image_dim_ordering()", "keras.backend.image_data_format() ('channels_first'/'channels_last')"
    keywords = tuple(argument or ())
    old = ", ".join(f"{k}=…" for k in keywords)
    return f"{function}({old})", f"{function}({', '.join(f'{k}s=…' for k in keywords)})"


RULE = LegacyKerasAPI()
