"""KC217 linear-dense-stack: A Dense layer without activation feeding another Dense: two affine maps that compose into one."""

from __future__ import annotations

from typing import Iterator, TypeGuard

from kerascheck.catalog import roles_of
from kerascheck.catalog.base import Role
from kerascheck.catalog.core import Dense
from kerascheck.findings import Finding
from kerascheck.graph import Layer, Model, Operation
from kerascheck.rules._heads import activation_name, applied_activation, is_activation_only, size
from kerascheck.rules.base import Example, ModelView, Rule, RuleContext

SEQ = "import keras\nfrom keras import layers\n"


class LinearDenseStack(Rule):
    code = "KC217"
    name = "linear-dense-stack"
    severity = "warning"
    summary = "A Dense layer without activation feeding another Dense: two affine maps that compose into one."
    docs = """\
## What it does
Finds a `Dense` layer whose activation is surely linear (none given,
`None` or `"linear"`) and whose output goes only into `Dense` layers, directly
or through layers that keep the map affine (`Dropout` and its spatial,
Gaussian and alpha variants, `GaussianNoise`, `ActivityRegularization`,
`Identity`, `Activation("linear")`), when it is at least as wide as the smaller
of its input and the next layer's units.  Not reported: a layer whose output is
a model's output (of any model in the file: an encoder's code, an embedding),
or also goes elsewhere (a residual `Add`, attention); one followed by a
non-linear activation layer or `BatchNormalization`; a narrower layer (a
low-rank factorisation or a latent code, which may be deliberate: KC204
reports the extreme ones).

## Why it matters
Without an activation in between, `Dense(256)` then `Dense(10)` computes
`(x·W1 + b1)·W2 + b2 = x·(W1·W2) + (b1·W2 + b2)`: one affine map from the
input to the 10 units, which a single `Dense(10)` represents exactly.  The
hidden layer adds parameters, computation and a harder optimisation, and no
capacity: the model is no more expressive than logistic (or linear)
regression.  It is nearly always a forgotten `activation="relu"`.  A dropout
between them changes nothing: it multiplies each value by 0 or 1/(1 − rate),
a diagonal linear map, and is the identity at inference (a transfer-learning
head `Dense(1024)`, `Dropout(0.5)`, `Dense(5)` is still one affine map).

## Example
```python
inputs = keras.Input((100,))
h = keras.layers.Dense(256)(inputs)                      # no activation
outputs = keras.layers.Dense(10, activation="softmax")(h)
```

## Fix
Give the hidden layer a non-linear activation, `Dense(256, activation="relu")`
(or follow it with an activation layer); if a linear model is meant, remove it.
"""
    valid = (
        Example(
            SEQ + "m = keras.Sequential([keras.Input((100,)), layers.Dense(256, activation='relu'),"
            " layers.Dense(10, activation='softmax')])\n",
            0,
        ),
        # the linear layer is the output
        Example(SEQ + "m = keras.Sequential([keras.Input((100,)), layers.Dense(64, activation='relu'), layers.Dense(1)])\n", 0),
        # an activation layer or a normalisation comes between
        Example(
            SEQ + "m = keras.Sequential([keras.Input((100,)), layers.Dense(256), layers.LeakyReLU(),"
            " layers.Dense(256), layers.BatchNormalization(), layers.Activation('relu'), layers.Dense(10)])\n",
            0,
        ),
        # the dropout's output is also the model's output
        Example(
            SEQ + "x = keras.Input((64,))\nd = layers.Dropout(0.5)(layers.Dense(128)(x))\n"
            "m = keras.Model(x, [d, layers.Dense(10)(d)])\n",
            0,
        ),
        # a narrower linear layer: a low-rank factorisation, a latent code
        Example(
            SEQ + "m = keras.Sequential([keras.Input((784,)), layers.Dense(256, activation='relu'), layers.Dense(2),"
            " layers.Dense(256, activation='relu'), layers.Dense(784, activation='sigmoid')])\n",
            0,
        ),
        # the encoder's output, decoded in the full autoencoder
        Example(
            SEQ + "x = keras.Input((64,))\ncode = layers.Dense(32)(x)\nencoder = keras.Model(x, code)\n"
            "auto = keras.Model(x, layers.Dense(16, activation='relu')(code))\n",
            0,
        ),
        # a projection also used by a residual connection
        Example(
            SEQ + "x = keras.Input((64,))\np = layers.Dense(128)(x)\nh = layers.Dense(128, activation='relu')(p)\n"
            "m = keras.Model(x, layers.Dense(10)(layers.Add()([p, h])))\n",
            0,
        ),
        # the activation is not known
        Example(
            SEQ + "import sys\nm = keras.Sequential([keras.Input((100,)), layers.Dense(256, activation=sys.argv[1]),"
            " layers.Dense(10)])\n",
            0,
        ),
    )
    invalid = (
        Example(
            SEQ + "inp = keras.Input((100,))\nh = layers.Dense(256)(inp)\n"
            "clf = keras.Model(inp, layers.Dense(10, activation='softmax')(h))\n",
            contains="dense (Dense) has no activation and feeds dense_1 (Dense) directly: 100 → 256 → 10 is one "
            "affine map; the two layers hold 25,856 + 2,570 parameters, against 1,010 for a direct 100 → 10 Dense",
        ),
        Example(
            SEQ + "m = keras.Sequential([keras.Input((8,)), layers.Dense(64, activation='linear'), layers.Dense(1)])\n",
            contains="8 → 64 → 1",
        ),
        # through dropouts: a transfer-learning head
        Example(
            SEQ + "m = keras.Sequential([keras.Input((2048,)), layers.Dropout(0.5), layers.Dense(1024),"
            " layers.Dropout(0.5), layers.GaussianNoise(0.1), layers.Dense(5), layers.Softmax()])\n",
            contains="dense (Dense) has no activation and feeds dense_1 (Dense) through dropout_1 (Dropout)"
            " and gaussian_noise (GaussianNoise): 2048 → 1024 → 5 is one affine map",
        ),
        # not built, through a Dropout
        Example(
            "from keras.models import Sequential\nfrom keras.layers import Dense, Dropout, Activation\nm = Sequential()\n"
            "m.add(Dense(64))\nm.add(Activation('linear'))\nm.add(Dropout(0.2))\nm.add(Dense(16, activation='relu'))\n",
            contains="through activation (Activation) and dropout (Dropout): 64 → 16",
        ),
        # not built: the widths come from the arguments
        Example(
            "from keras.models import Sequential\nfrom keras.layers import Dense\nm = Sequential()\n"
            "m.add(Dense(32))\nm.add(Dense(16, activation='relu'))\n",
            contains="32 → 16",
        ),
        # Keras 1 spelling
        Example(
            "from keras.models import Sequential\nfrom keras.layers import Dense\nm = Sequential()\n"
            "m.add(Dense(output_dim=128, input_dim=20))\nm.add(Dense(output_dim=3, activation='softmax'))\n",
            contains="20 → 128 → 3",
        ),
    )

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        outputs = {id(t.producer.operation) for m in ctx.models for t in m.outputs if t.producer is not None}
        for model in ctx.models:
            if model.uncertain:
                continue  # the layers after it depend on a condition
            view = ctx.view(model)
            for layer in view.layers():
                if id(layer) in outputs or not linear_dense(layer):
                    continue
                between, after = _through_affine(model, view, layer, outputs)
                if not after or not all(isinstance(op, Layer) and isinstance(op.type, Dense) for op in after):
                    continue
                text = message(layer, between, [op for op in after if isinstance(op, Layer)], view)
                if text is not None:
                    yield self.finding(
                        layer.source,
                        text,
                        fix=f"Give {layer.name} an activation (activation='relu'), or remove it if a linear model is meant",
                    )


def linear_dense(op: Operation) -> bool:
    """A Dense layer whose activation is surely linear."""
    return isinstance(op, Layer) and isinstance(op.type, Dense) and activation_name(op.config.get("activation")) == "linear"


def _through_affine(
    model: Model, view: ModelView, layer: Layer, outputs: set[int]
) -> tuple[list[Layer], list[Operation]]:
    """The layers that keep ``layer``'s map affine right after it (one after the
    other, each feeding only the next, none a model's output), and what follows them."""
    between: list[Layer] = []
    after = view.successors(layer) or _unbuilt_successor(model, layer)
    while len(after) == 1 and _stays_affine(after[0]) and id(after[0]) not in outputs and len(between) < 16:
        between.append(after[0])
        after = view.successors(after[0]) or _unbuilt_successor(model, after[0])
    return between, after


def _stays_affine(op: Operation) -> TypeGuard[Layer]:
    """A dropout, noise or identity layer, or a linear activation layer."""
    if not isinstance(op, Layer) or op.type is None:
        return False
    return Role.STAYS_AFFINE in roles_of(op) or (is_activation_only(op) and applied_activation(op) == "linear")


def _unbuilt_successor(model: Model, layer: Operation) -> list[Operation]:
    """The next layer of a Sequential without input shape (its graph is not built)."""
    if model.kind != "sequential" or model.outputs:
        return []
    sequence = model.sequence
    index = next((i for i, op in enumerate(sequence) if op is layer), None)
    return [sequence[index + 1]] if index is not None and index + 1 < len(sequence) else []


def message(layer: Layer, between: list[Layer], after: list[Layer], view: ModelView) -> str | None:
    """The diagnostic text, when the hidden layer is no narrower than what it connects
    (narrower, it restricts the rank of the map: a factorisation, left alone)."""
    hidden = size(layer.config.get("units"))
    inputs = view.input_shapes(layer)
    width = size(inputs[0][-1]) if len(inputs) == 1 and isinstance(inputs[0], tuple) and inputs[0] else None
    if width is None:
        width = size(layer.config.get("input_dim"))
    units = [size(op.config.get("units")) for op in after]
    if hidden is None or any(u is None or hidden < u and (width is None or hidden < width) for u in units):
        return None
    nxt, out = after[0], units[0]
    path = f"{width} → {hidden} → {out}" if width is not None else f"{hidden} → {out}"
    how = "through " + " and ".join(f"{op.name} ({op.class_name})" for op in between) if between else "directly"
    text = (
        f"{layer.name} ({layer.class_name}) has no activation and feeds {nxt.name} ({nxt.class_name}) {how}: "
        f"{path} is one affine map"
    )
    first, second = _params(layer), _params(nxt)
    if width is not None and out is not None and first is not None and second is not None and nxt.weights is not None:
        direct = width * out + sum(w.size for w in nxt.weights if w.name == "bias")
        text += f"; the two layers hold {first:,} + {second:,} parameters, against {direct:,} for a direct {width} → {out} Dense"
    return text


def _params(layer: Layer) -> int | None:
    trainable, frozen = layer.param_counts()
    return None if trainable is None or frozen is None else trainable + frozen


RULE = LinearDenseStack()
