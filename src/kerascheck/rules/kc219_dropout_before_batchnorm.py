"""KC219 dropout-before-batchnorm: A dropout layer right before BatchNormalization: its moving variance is learnt on dropped-out inputs."""

from __future__ import annotations

from typing import Iterator

from kerascheck.catalog import roles_of
from kerascheck.catalog.base import Role
from kerascheck.catalog.normalization import BatchNormalization
from kerascheck.catalog.regularization import AlphaDropout
from kerascheck.findings import Finding
from kerascheck.graph import Layer, Operation
from kerascheck.rules._call_sites import once_per_call_site
from kerascheck.rules.base import Example, Rule, RuleContext

SEQ = "import keras\nfrom keras import layers\n"
#: the layers whose training-time output has a larger variance than their inference-time one
NOISY = Role.DROPS_UNITS | Role.DROPS_FEATURE_MAPS | Role.DIVIDES_BY_KEPT


class DropoutBeforeBatchNorm(Rule):
    code = "KC219"
    name = "dropout-before-batchnorm"
    severity = "warning"
    summary = "A dropout layer right before BatchNormalization: its moving variance is learnt on dropped-out inputs."
    docs = """\
## What it does
Finds a `Dropout`, `SpatialDropout1D/2D/3D` or `GaussianDropout` layer with a
known rate above 0 whose output goes only into `BatchNormalization` layers.
`AlphaDropout`, which keeps its input's mean and variance by design, and
`GaussianNoise` (additive, usually a small input augmentation) are left alone,
as is dropout after the normalisation or just before the output layer.

## Why it matters
During training a dropout layer scales the units it keeps by 1/(1 − rate), so
its output's variance is at least 1/(1 − rate) times its input's; the
normalisation after it learns its moving variance from those dropped-out
batches.  At inference dropout does nothing, and the normalisation divides
inputs of the smaller variance by the larger moving one: every activation
after it is shrunk (by a factor √(1 − rate) or less, 0.77 for a rate of 0.4),
and accuracy drops — the "variance shift" of Li et al., *Understanding the
Disharmony between Dropout and Batch Normalization by Variance Shift*
(CVPR 2019).  Any rate above 0 shifts it; the harm grows with the rate.

## Example
```python
x = keras.layers.Conv1D(32, 9, use_bias=False)(x)
x = keras.layers.Dropout(0.4)(x)
x = keras.layers.BatchNormalization()(x)
```

## Fix
Put the dropout after the normalisation (and its activation), or after the
last normalisation of the network, just before the classifier.
"""
    valid = (
        Example(
            SEQ + "m = keras.Sequential([keras.Input((2000, 2)), layers.Conv1D(32, 9, use_bias=False),"
            " layers.BatchNormalization(), layers.Activation('relu'), layers.Dropout(0.4),"
            " layers.GlobalAveragePooling1D(), layers.Dense(4, activation='softmax')])\n",
            0,
        ),
        # AlphaDropout keeps the variance; GaussianNoise is an input augmentation
        Example(
            SEQ + "m = keras.Sequential([keras.Input((16,)), layers.GaussianNoise(0.1), layers.BatchNormalization(),"
            " layers.Dense(8, activation='selu'), layers.AlphaDropout(0.1), layers.BatchNormalization()])\n",
            0,
        ),
        # the dropout's output also goes elsewhere
        Example(
            SEQ + "x = keras.Input((16,))\nd = layers.Dropout(0.3)(x)\n"
            "m = keras.Model(x, layers.Concatenate()([layers.BatchNormalization()(d), d]))\n",
            0,
        ),
        Example(
            SEQ + "m = keras.Sequential([keras.Input((16,)), layers.Dropout(0.0), layers.BatchNormalization()])\n", 0
        ),
    )
    invalid = (
        Example(
            SEQ + "m = keras.Sequential([keras.Input((2000, 2)), layers.Conv1D(32, 9, use_bias=False),"
            " layers.Dropout(0.4), layers.BatchNormalization(), layers.Activation('relu'),"
            " layers.GlobalAveragePooling1D(), layers.Dense(4, activation='softmax')])\n",
            contains="dropout (Dropout) with rate 0.4 feeds batch_normalization (BatchNormalization): its moving "
            "variance is learnt on inputs at least 1/(1 − 0.4) = 1.67× as variable as at inference",
        ),
        Example(
            SEQ + "x = keras.Input((32, 32, 3))\ny = layers.Conv2D(16, 3, activation='relu')(x)\n"
            "y = layers.SpatialDropout2D(0.2)(y)\nm = keras.Model(x, layers.BatchNormalization()(y))\n",
            contains="spatial_dropout2d (SpatialDropout2D) with rate 0.2",
        ),
        # Keras 1 spelling
        Example(
            "from keras.models import Sequential\nfrom keras.layers import Dense, Dropout, BatchNormalization\n"
            "m = Sequential()\nm.add(Dense(64, input_dim=20, activation='relu'))\nm.add(Dropout(p=0.5))\n"
            "m.add(BatchNormalization())\nm.add(Dense(1))\n",
            contains="= 2×",
        ),
    )

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        return once_per_call_site(self.findings(ctx))

    def findings(self, ctx: RuleContext) -> Iterator[Finding]:
        for model in ctx.models:
            if model.uncertain:
                continue  # the layers after it depend on a condition
            view = ctx.view(model)
            for layer in view.layers():
                rate = dropout_rate(layer)
                after = view.successors(layer)
                if rate is None or not after or view.is_output(layer) or not all(map(normalises, after)):
                    continue
                names = ", ".join(f"{bn.name} ({bn.class_name})" for bn in after)
                yield self.finding(
                    layer.source,
                    f"{layer.name} ({layer.class_name}) with rate {rate!r} feeds {names}: its moving variance is "
                    f"learnt on inputs at least 1/(1 − {rate!r}) = {1 / (1 - rate):.3g}× as variable as at inference, "
                    "so every activation after it is shrunk at inference",
                    fix="Move the dropout after the BatchNormalization (and its activation).",
                )


def dropout_rate(layer: Layer) -> float | None:
    """The rate of a dropout layer that inflates the variance during training (None otherwise
    or unknown), when it lies in (0, 1)."""
    if layer.type is None or isinstance(layer.type, AlphaDropout) or not roles_of(layer) & NOISY:
        return None
    rate = layer.config.get("rate")
    if not isinstance(rate, (int, float)) or isinstance(rate, bool) or not 0 < rate < 1:
        return None
    return rate


def normalises(op: Operation) -> bool:
    return isinstance(op, Layer) and isinstance(op.type, BatchNormalization)


RULE = DropoutBeforeBatchNorm()
