"""KC213 legacy-positional-kernel, one of kerascheck's rules:
Conv2D(8, 5, 5): Keras 1's 5×5 kernel, which Keras 3 reads as a 5-wide kernel with stride 5.
"""

from __future__ import annotations

from typing import Any, Iterator

from kerascheck.catalog.base import Call, Explain, Invalid, Unresolved, format_shape
from kerascheck.catalog.convolutional import Conv
from kerascheck.findings import Finding
from kerascheck.graph import Layer
from kerascheck.rules._call_sites import once_per_call_site
from kerascheck.rules.base import Example, ModelView, Rule, RuleContext
from kerascheck.unknown import contains_unknown

SEQ = "import keras\nfrom keras import layers\n"


class LegacyPositionalKernel(Rule):
    code = "KC213"
    name = "legacy-positional-kernel"
    severity = "warning"
    summary = "Conv2D(8, 5, 5): Keras 1's 5×5 kernel, which Keras 3 reads as a 5-wide kernel with stride 5."
    docs = """\
## What it does
Finds 2D and 3D convolutions spelled with their Keras 2/3 class names
(`Conv2D`, `Conv3D`, `SeparableConv2D`, `Conv2DTranspose`…) whose positional
arguments follow Keras 1's `Convolution2D(nb_filter, nb_row, nb_col)`
convention: `filters`, then one integer per kernel axis, the one after the
kernel size equal to it and above 1.  `Convolution2D(8, 5, 5)` itself is read
the Keras 1 way (KC301 reports the spelling), unless the call also passes
`padding=`, `strides=` or `data_format=`: Keras 2 refused that mix ("you are
passing both `kernel_size` and `strides` as integer positional arguments"),
Keras 1 had none of these keywords, and Keras 3 reads the stride, so it is
reported here.  `Conv2D(64, 7, 2)` (a 7×7 kernel with stride 2) is not reported.

## Why it matters
In Keras 3 the third positional argument of `Conv2D` is `strides` (the fourth
of `Conv3D` is `padding`).  `Conv2D(8, 5, 5)`, Keras 1's 5×5 kernel, becomes a
5×5 kernel moving 5 pixels at a time: the feature map shrinks fivefold on each
axis without any error, and the model's later shapes and parameter counts
change with it.  `Conv3D(8, 3, 3, 3)` fails, as `padding=3` is not a padding.

## Example
```python
keras.Sequential([
    keras.Input((28, 28, 1)),
    keras.layers.Conv2D(8, 5, 5),  # (None, 5, 5, 8), not (None, 24, 24, 8)
])
```

## Fix
Give the kernel as a tuple, `Conv2D(8, (5, 5))`; if the stride was meant,
write it by keyword, `Conv2D(8, 5, strides=5)`.

What follows from the misreading on the same call (rows the stride leaves
unread, KC201; a padding or dilation Keras rejects, KC107) is said in this
diagnostic, which then takes the more severe of the two severities.
"""
    valid = (
        Example(SEQ + "m = keras.Sequential([keras.Input((28, 28, 1)), layers.Conv2D(8, (5, 5))])\n", 0),
        Example(SEQ + "m = keras.Sequential([keras.Input((28, 28, 1)), layers.Conv2D(8, 5, strides=5)])\n", 0),
        # a 7×7 kernel with stride 2, a 1×1 kernel with stride 1: meant as written
        Example(SEQ + "m = keras.Sequential([keras.Input((224, 224, 3)), layers.Conv2D(64, 7, 2)])\n", 0),
        Example(SEQ + "m = keras.Sequential([keras.Input((28, 28, 3)), layers.Conv2D(64, 1, 1)])\n", 0),
        # Keras 1's own class name is read the Keras 1 way (KC301 reports it)
        Example(
            "from keras.models import Sequential\nfrom keras.layers import Convolution2D\n"
            "m = Sequential([Convolution2D(8, 5, 5, input_shape=(28, 28, 1))])\n",
            0,
        ),
        # Keras 1 throughout: border_mode= is Keras 1's padding
        Example(
            "from keras.models import Sequential\nfrom keras.layers import Convolution2D\n"
            "m = Sequential([Convolution2D(8, 5, 5, border_mode='same', input_shape=(28, 28, 1))])\n",
            0,
        ),
        # strides given twice: Python rejects the call before Keras sees it
        Example(SEQ + "m = keras.Sequential([keras.Input((28, 28, 1)), layers.Conv2D(8, 5, 5, strides=2)])\n", 0),
        # Conv1D's third positional argument was not a kernel axis in Keras 1 either
        Example(SEQ + "m = keras.Sequential([keras.Input((100, 8)), layers.Conv1D(16, 3, 3)])\n", 0),
        # the arguments are unknown
        Example(
            SEQ + "import sys\nk = int(sys.argv[1])\n"
            "m = keras.Sequential([keras.Input((28, 28, 1)), layers.Conv2D(8, k, k)])\n",
            0,
        ),
    )
    invalid = (
        Example(
            SEQ + "m = keras.Sequential([keras.Input((28, 28, 1)), layers.Conv2D(8, 5, 5)])\n",
            contains="conv2d (Conv2D): Conv2D(8, 5, 5) is Keras 1's 5×5 kernel, but Keras 3 reads the 5 after"
            " the kernel size as strides=5: the output is (None, 5, 5, 8) instead of (None, 24, 24, 8)",
        ),
        # Keras 2 code mixing a Keras 3 name with the Keras 1 convention
        Example(
            "from keras.models import Sequential\nfrom keras.layers import Conv2D, MaxPooling2D\n"
            "m = Sequential()\nm.add(Conv2D(32, 3, 3, activation='relu', input_shape=(64, 64, 3)))\n"
            "m.add(Conv2D(64, 3, 3, activation='relu'))\nm.add(MaxPooling2D((2, 2)))\n",
            count=2,
            contains="strides=3",
        ),
        Example(
            SEQ + "x = keras.Input((16, 32, 32, 1))\ny = layers.Conv3D(8, 3, 3, 3)(x)\nm = keras.Model(x, y)\n",
            contains="Keras 3 reads the 3 and 3 after the kernel size as strides=3, padding=3, which it rejects;"
            " Keras 1's kernel gives (None, 14, 30, 30, 8)",
        ),
        Example(
            SEQ + "m = keras.Sequential([keras.Input((32, 32, 3)), layers.SeparableConv2D(16, 3, 3)])\n",
            contains="(None, 10, 10, 16) instead of (None, 30, 30, 16)",
        ),
        # Conv2DTranspose: Keras 1's Deconvolution2D(8, 3, 3, output_shape)
        Example(
            SEQ + "m = keras.Sequential([keras.Input((8, 8, 4)), layers.Conv2DTranspose(8, 3, 3)])\n",
            contains="(None, 24, 24, 8) instead of (None, 10, 10, 8)",
        ),
        # a helper applied twice: one diagnostic for its one call site
        Example(
            SEQ + "def block(x):\n    return layers.Conv2D(8, 3, 3, padding='same')(x)\n"
            "x = keras.Input((32, 32, 3))\nm = keras.Model(x, block(block(x)))\n",
            contains="(None, 11, 11, 8) instead of (None, 32, 32, 8)",
        ),
        # the rows the unmeant stride leaves unread are said here, not as KC201
        Example(
            SEQ + "m = keras.Sequential([keras.Input((48, 48, 1)), layers.Conv2D(8, 5, 5)])\n",
            contains="instead of (None, 44, 44, 8); KC201 (fractional-stride-drop) follows from it: conv2d (Conv2D): "
            "(48 − 5) / 5 = 8.6",
        ),
        # Keras 1's class name with Keras 2's padding=: Keras 2 refused it, Keras 3 reads a stride
        Example(
            "from keras.models import Sequential\nfrom keras.layers import Convolution2D\n"
            "m = Sequential([Convolution2D(6, 5, 5, input_shape=(28, 28, 1), padding='same')])\n",
            contains="conv2d (Conv2D): Convolution2D(6, 5, 5) is Keras 1's 5×5 kernel, but Keras 3 reads the 5 after"
            " the kernel size as strides=5: the output is (None, 6, 6, 6) instead of (None, 28, 28, 6)",
        ),
        # the input is unknown: the stride is still reported
        Example(
            SEQ + "m = keras.Sequential([layers.Conv2D(8, 5, 5)])\n",
            contains="strides=5.",
        ),
    )

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        return once_per_call_site(self.findings(ctx))

    def findings(self, ctx: RuleContext) -> Iterator[Finding]:
        for model in ctx.models:
            view = ctx.view(model)
            for layer in view.layers():
                after = _keras1_kernel(layer)
                if after is None:
                    continue
                kernel, readings = after
                text = ", ".join(f"{name}={value!r}" for name, value in readings)
                filters = layer.config["filters"]
                spelled = f"{layer.called_as}({filters!r}, {', '.join(map(str, kernel))})"
                extra = " and ".join(str(k) for k in kernel[1:])
                message = (
                    f"{layer.name} ({layer.class_name}): {spelled} is Keras 1's {'×'.join(map(str, kernel))} kernel, "
                    f"but Keras 3 reads the {extra} after the kernel size as {text}"
                )
                rejected = any(name == "padding" for name, _ in readings)
                message += ", which it rejects" if rejected else ""
                message += _consequence(view, layer, kernel, rejected)
                yield self.finding(
                    layer.source,
                    message + ".",
                    fix=f"write the kernel as a tuple, {layer.called_as}({filters!r}, {tuple(kernel)}), "
                    f"or the stride by keyword, strides={kernel[1]}, if it was meant",
                )


def _keras1_kernel(layer: Layer) -> tuple[tuple[int, ...], list[tuple[str, Any]]] | None:
    """Keras 1's kernel, and how Keras 3 binds its extra axes, when the call looks like Keras 1's."""
    layer_type = layer.type
    if not isinstance(layer_type, Conv) or layer_type.positional[:3] != ("filters", "kernel_size", "strides"):
        return None
    rank = layer_type.rank
    if rank < 2 or layer.positional_count != 1 + rank or layer.legacy_positional:
        return None
    names = layer_type.positional[1 : 1 + rank]
    if any(layer_type.legacy_kwargs.get(k, k) in names for k in layer.keywords):
        return None  # also given by keyword: Python rejects the call
    values: list[Any] = [layer.config.get(name) for name in names]
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        return None
    if values[0] < 2 or values[1] != values[0]:
        return None
    return tuple(values), list(zip(names[1:], values[1:]))


def _consequence(view: ModelView, layer: Layer, kernel: tuple[int, ...], rejected: bool) -> str:
    """The output Keras 3 computes against the one Keras 1's kernel gives (stride 1), when known."""
    assert layer.type is not None  # view.layers() yields known layers
    actual = view.output_shape.get(id(layer))
    inputs = view.input_shapes(layer)
    if len(inputs) != 1 or contains_unknown(inputs[0]):
        return ""
    intended = {**layer.config, "kernel_size": kernel, "strides": 1}
    if len(kernel) > 2:
        intended["padding"] = "valid"
    try:
        meant = layer.type.output_shape(intended, Call(inputs[0]), Explain())
    except (Unresolved, Invalid, TypeError, ValueError, IndexError, KeyError):
        return ""
    if contains_unknown(meant):
        return ""
    if rejected:
        return f"; Keras 1's kernel gives {format_shape(meant)}"
    if actual is None or contains_unknown(actual):
        return ""
    return f": the output is {format_shape(actual)} instead of {format_shape(meant)}"


RULE = LegacyPositionalKernel()
