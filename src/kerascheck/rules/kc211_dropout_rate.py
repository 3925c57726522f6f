"""KC211 dropout-rate: A dropout rate of 1 (everything dropped), or a very high rate after a hidden Dense layer."""

from __future__ import annotations

from typing import Any, Iterator, TypeGuard

from kerascheck.catalog import roles_of, type_of
from kerascheck.catalog.base import Role
from kerascheck.catalog.core import Dense
from kerascheck.catalog.convolutional import Conv
from kerascheck.findings import Finding
from kerascheck.graph import Layer, Operation
from kerascheck.rules._call_sites import once_per_call_site
from kerascheck.rules.base import Example, ModelView, Rule, RuleContext

#: layers that drop units (or whole feature maps) with probability ``rate``, or
#: whose training-time noise divides by ``1 - rate``
RATED = Role.DROPS_UNITS | Role.DROPS_FEATURE_MAPS | Role.DIVIDES_BY_KEPT
BELOW_ONE = "give the fraction to drop, below 1"
SEQ = "import keras\nfrom keras import layers\n"


class DropoutRate(Rule):
    code = "KC211"
    name = "dropout-rate"
    severity = "warning"
    summary = "A dropout rate of 1 (everything dropped), or a very high rate after a hidden Dense layer."
    docs = """\
## What it does
Reports dropout layers (`Dropout`, `SpatialDropout1D/2D/3D`, `GaussianDropout`,
`AlphaDropout`) whose rate is exactly 1, and `Dropout`/`AlphaDropout` layers
whose rate exceeds `max-dropout-rate` (default 0.7) right after a hidden
`Dense` layer or a 1×1 convolution (a Dense layer applied at every position,
as in DeepLab's projections; an activation or normalisation layer in between
is looked through).  Rates outside [0, 1] are KC107 errors, since Keras rejects them.

## Why it matters
During training a dropout layer keeps a fraction 1 − rate of its input.  At
rate 1 it keeps nothing: `Dropout` outputs zeros, so nothing before it ever
learns, and `GaussianDropout`/`AlphaDropout` divide by 1 − rate = 0 on the
first training step.  A rate such as 0.8 after a Dense layer keeps one unit in
five on each step: usually a typo for 0.2 (Keras 1's `Dropout(p)` and Keras 3's
`Dropout(rate)` both give the fraction dropped), and at best a much slower,
noisier training than the 0.5 that the dropout paper recommends for hidden
layers.  The threshold is above the highest rate of the classic architectures,
GoogLeNet's 0.7 on its auxiliary classifiers (a faithful port of it was
reported at 0.5 in the real-world benchmark's checkouts), and below the
keep-probabilities TensorFlow code passes by mistake (0.8, 0.9).

## Example
```python
x = keras.layers.Dense(128, activation="relu")(x)
x = keras.layers.Dropout(0.8)(x)  # keeps 20% of the 128 units
```

## Fix
Use the fraction to *drop*: `Dropout(0.2)` keeps 80%.  Raise
`max-dropout-rate` if such a rate is deliberate.
"""
    options = {"max-dropout-rate": 0.7}
    valid = (
        Example(SEQ + "m = keras.Sequential([keras.Input((8,)), layers.Dense(64), layers.Dropout(0.5)])\n", 0),
        # GoogLeNet's auxiliary classifier: 0.7, as in the paper
        Example(SEQ + "m = keras.Sequential([keras.Input((2048,)), layers.Dense(1024, activation='relu'),"
                " layers.Dropout(0.7), layers.Dense(1000, activation='softmax')])\n", 0),
        # a high rate on the input features, not after a hidden Dense layer
        Example(SEQ + "m = keras.Sequential([keras.Input((8,)), layers.Dropout(0.8), layers.Dense(4)])\n", 0),
        # the threshold is an option
        Example(
            SEQ + "m = keras.Sequential([keras.Input((8,)), layers.Dense(64), layers.Dropout(0.75)])\n",
            0,
            options={"max-dropout-rate": 0.8},
        ),
        # a rate outside [0, 1] is KC107's
        Example(SEQ + "m = keras.Sequential([keras.Input((8,)), layers.Dense(64), layers.Dropout(1.5)])\n", 0),
        # GaussianNoise's argument is a standard deviation, not a rate
        Example(SEQ + "m = keras.Sequential([keras.Input((8,)), layers.Dense(64), layers.GaussianNoise(1.0)])\n", 0),
        # the Dense layer before it is added under an unknown condition
        Example(
            SEQ + "import sys\nm = keras.Sequential([keras.Input((4, 2)), layers.Flatten()])\n"
            "if len(sys.argv) > 1:\n    m.add(layers.Dense(64))\nm.add(layers.Dropout(0.8))\n",
            0,
        ),
        # after a 3×3 convolution: not a per-position Dense
        Example(SEQ + "m = keras.Sequential([keras.Input((8, 8, 3)), layers.Conv2D(8, 3), layers.Dropout(0.6)])\n", 0),
        # the rate is unknown
        Example(
            SEQ + "import sys\nr = float(sys.argv[1])\n"
            "m = keras.Sequential([keras.Input((8,)), layers.Dense(64), layers.Dropout(r)])\n",
            0,
        ),
    )
    invalid = (
        Example(
            SEQ + "m = keras.Sequential([keras.Input((8,)), layers.Dense(64), layers.Dropout(1.0), layers.Dense(1)])\n",
            contains="dropout (Dropout): rate=1.0 drops every unit: it keeps 1 − 1.0 = 0% of its input during"
            " training, so it outputs zeros",
        ),
        Example(
            SEQ + "x = keras.Input((16, 16, 8))\ny = layers.SpatialDropout2D(1)(x)\nm = keras.Model(x, y)\n",
            contains="drops every feature map",
        ),
        Example(
            SEQ + "x = keras.Input((8,))\ny = layers.GaussianDropout(1.0)(x)\nm = keras.Model(x, y)\n",
            contains="divides by 1 − rate = 0",
        ),
        # Keras 1 style: Dense, Activation, Dropout(p=...)
        Example(
            "from keras.models import Sequential\nfrom keras.layers import Dense, Activation, Dropout\n"
            "m = Sequential()\nm.add(Dense(128, input_dim=784))\nm.add(Activation('relu'))\n"
            "m.add(Dropout(p=0.8))\nm.add(Dense(10))\n",
            contains="dropout (Dropout): rate=0.8 after the hidden layer dense (Dense, 128 units) keeps only"
            " 1 − 0.8 = 20% of its units during training (max-dropout-rate is 0.7)",
        ),
        Example(
            SEQ + "x = keras.Input((32,))\nh = layers.Dense(64, activation='selu')(x)\n"
            "h = layers.AlphaDropout(0.75)(h)\nm = keras.Model(x, layers.Dense(1)(h))\n",
            contains="keeps only 1 − 0.75 = 25%",
        ),
        Example(
            SEQ + "m = keras.Sequential([keras.Input((8,)), layers.Dense(64), layers.Dropout(0.3)])\n",
            options={"max-dropout-rate": 0.25},
        ),
        # TensorFlow's keep_prob=0.9 ported as Keras's rate, after a 1×1 projection
        Example(
            SEQ + "x = keras.Input((32, 32, 1280))\ny = layers.Conv2D(256, (1, 1), use_bias=False)(x)\n"
            "y = layers.BatchNormalization()(y)\ny = layers.Activation('relu')(y)\ny = layers.Dropout(0.9)(y)\n"
            "m = keras.Model(x, y)\n",
            contains="rate=0.9 after the hidden layer conv2d (Conv2D 1×1, 256 filters) keeps only 1 − 0.9 = 10%",
        ),
    )

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        return once_per_call_site(self.findings(ctx))

    def findings(self, ctx: RuleContext) -> Iterator[Finding]:
        limit = ctx.options["max-dropout-rate"]
        for model in ctx.models:
            view = ctx.view(model)
            for layer in view.layers():
                rate = layer.config.get("rate")
                if not roles_of(layer) & RATED or not _is_number(rate) or not 0 <= rate <= 1:
                    continue
                if rate == 1:
                    yield self.finding(layer.source, _rate_one(layer, rate), fix=BELOW_ONE)
                    continue
                dense = _after_dense(view, layer)
                if rate > limit and dense is not None and Role.DROPS_UNITS in roles_of(layer):
                    yield self.finding(
                        layer.source,
                        f"{_describe(layer)}: rate={rate} after the hidden layer {_describe(dense, units=True)} keeps "
                        f"only 1 − {rate} = {_percent(1 - rate)} of its units during training "
                        f"(max-dropout-rate is {limit})",
                        fix=f"if {rate} is the fraction to keep, write {layer.class_name}({_complement(rate)}); "
                        "otherwise lower the rate",
                    )


def _rate_one(layer: Layer, rate: Any) -> str:
    roles = roles_of(layer)
    if Role.DIVIDES_BY_KEPT in roles:
        return f"{_describe(layer)}: rate={rate}: training fails, since Keras divides by 1 − rate = 0"
    what = "feature map" if Role.DROPS_FEATURE_MAPS in roles else "unit"
    return (
        f"{_describe(layer)}: rate={rate} drops every {what}: it keeps 1 − {rate} = 0% of its input during "
        "training, so it outputs zeros and the layers before it never learn"
    )


def _after_dense(view: ModelView, layer: Layer) -> Layer | None:
    """The Dense layer ``layer`` follows, looking through activations and normalisations
    (Keras 1 wrote Dense, Activation, Dropout)."""
    current: Operation | None = _previous(view, layer)
    while isinstance(current, Layer) and Role.BEFORE_DROPOUT in roles_of(current):
        current = _previous(view, current)
    return current if isinstance(current, Layer) and (isinstance(type_of(current), Dense) or _pointwise(current)) else None


def _pointwise(layer: Layer) -> bool:
    """A 1×1 convolution: a Dense layer applied at every position."""
    kind = type_of(layer)
    if not isinstance(kind, Conv) or kind.positional[:2] != ("filters", "kernel_size"):
        return False
    kernel = layer.config.get("kernel_size")
    kernel = (kernel,) if isinstance(kernel, int) else kernel
    return isinstance(kernel, (tuple, list)) and bool(kernel) and all(k == 1 and not isinstance(k, bool) for k in kernel)


def _previous(view: ModelView, op: Operation) -> Operation | None:
    """The one operation ``op`` is called on (in a Sequential, the row before it, built or not)."""
    if view.model.kind == "sequential":
        if view.model.uncertain:
            return None  # a layer may or may not come in between
        index = next((i for i, other in enumerate(view.operations) if other is op), 0)
        return view.operations[index - 1] if index > 0 else None
    before = view.predecessors(op)
    return before[0] if len(before) == 1 else None


def _is_number(value: Any) -> TypeGuard[int | float]:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _percent(fraction: float) -> str:
    return f"{round(fraction * 100, 1):g}%"


def _complement(rate: float) -> str:
    return f"{round(1 - rate, 6):g}"


def _describe(layer: Layer, units: bool = False) -> str:
    count = layer.config.get("units")
    if units and _is_number(count):
        return f"{layer.name} ({layer.class_name}, {count} units)"
    filters = layer.config.get("filters")
    if units and _is_number(filters):
        return f"{layer.name} ({layer.class_name} 1×1, {filters} filters)"
    return f"{layer.name} ({layer.class_name})"


RULE = DropoutRate()
