"""KC201 fractional-stride-drop, one of kerascheck's rules:
A 'valid' convolution or pooling whose stride does not tile its input: trailing rows are never read.
"""

from __future__ import annotations

import math
from typing import Any, Iterator

from kerascheck.catalog.base import Invalid, Unresolved
from kerascheck.catalog.convolutional import spatial_axes
from kerascheck.catalog.reshaping import ZeroPadding
from kerascheck.findings import Finding
from kerascheck.graph import Layer
from kerascheck.rules._windows import Slide, plural, windows
from kerascheck.rules.base import Example, ModelView, Rule, RuleContext

SEQ = "import keras\nfrom keras import layers\n"


class FractionalStrideDrop(Rule):
    code = "KC201"
    name = "fractional-stride-drop"
    severity = "info"
    summary = "A 'valid' convolution or pooling whose stride does not tile its input: trailing rows are never read."
    follows_from = ("KC213",)
    docs = """\
## What it does
For every convolution and pooling layer with `padding="valid"` (any rank,
dilation included: a kernel `k` dilated by `d` spans `d·(k−1)+1`), checks on
each spatial axis that the window, stepping by the stride, ends exactly on the
last input position: `(n − span) / stride` must be a whole number.  When it is
not, the remainder `(n − span) mod stride` trailing rows (columns, steps) are
never under any window.  Not reported: a window narrower than its stride (a
1×1 stride-2 shortcut), which skips positions between windows by design, and
unread positions that are only the zeros a `ZeroPadding` layer just added
(ResNet's `ZeroPadding2D(3)` then a 7×7 stride-2 convolution: no data is lost).
On a call KC213 reports (Keras 1's `Conv2D(8, 5, 5)`, which Keras 3 reads as
stride 5), the unread rows follow from that stride nobody meant: KC213's
diagnostic says so rather than a second one.

## Why it matters
Keras floors the output size without a word: the border of every example is
silently dropped, and with large strides that is a sizeable share of the input
(a 5×5 stride-2 window over an 8×8 map never reads its last row and column:
15 of its 64 positions).

It is an **info**, not a warning: the dropped border is what answers "why is
my second convolution 2×2 and not 2.5×2.5?", but in working models it is
nearly always accepted on purpose.  Keras's own MNIST convnet pools a 7×7 map
to 3×3, and ResNet stems written without `ZeroPadding2D` pool 112×112 to 55×55;
in the real-bug benchmark (`bench/realbugs/`) every such report on a fixed
program was on code its authors kept.  Where the dropped rows do break a model
(a U-Net skip connection one row short), the concatenation's error (KC102)
is the finding.

## Example
```python
keras.Sequential([
    keras.Input((28, 28, 1)),
    keras.layers.Conv2D(32, 7, strides=3),  # (28 − 7) / 3 = 7: 8×8, exact
    keras.layers.Conv2D(64, 5, strides=2),  # (8 − 5) / 2 = 1.5: last row and column unread
])
```

## Fix
Use `padding="same"`, or a kernel size and stride that tile the input exactly
(here `Conv2D(64, 4, strides=2)`), or pad the input on purpose.
"""
    valid = (
        Example(SEQ + "m = keras.Sequential([keras.Input((28, 28, 1)), layers.Conv2D(32, 7, strides=3)])\n", 0),
        Example(SEQ + "m = keras.Sequential([keras.Input((9, 9, 1)), layers.Conv2D(8, 5, strides=2, padding='same')])\n", 0),
        # ResNet's stem: the unread column is zero padding added just before
        Example(
            SEQ + "x = keras.Input((224, 224, 3))\ny = layers.ZeroPadding2D(3)(x)\n"
            "y = layers.Conv2D(64, 7, strides=2)(y)\ny = layers.ZeroPadding2D(1)(y)\n"
            "y = layers.MaxPooling2D(3, strides=2)(y)\nm = keras.Model(x, y)\n",
            0,
        ),
        # a 1×1 stride-2 shortcut skips every other row by design (ResNet)
        Example(SEQ + "m = keras.Sequential([keras.Input((56, 56, 64)), layers.Conv2D(128, 1, strides=2)])\n", 0),
        # a dynamic (None) length: nothing is known to be lost
        Example(SEQ + "m = keras.Sequential([keras.Input((None, 8)), layers.MaxPooling1D(2)])\n", 0),
        # the stride is unknown
        Example(SEQ + "import sys\ns = int(sys.argv[1])\n"
                "m = keras.Sequential([keras.Input((9, 9, 1)), layers.Conv2D(8, 3, strides=s)])\n", 0),
        Example(SEQ + "m = keras.Sequential([keras.Input((8, 8, 1)), layers.MaxPooling2D(2)])\n", 0),
        # Keras 1's 5×5 kernel read as stride 5: folded into KC213's diagnostic
        Example(SEQ + "m = keras.Sequential([keras.Input((48, 48, 1)), layers.Conv2D(8, 5, 5)])\n", 0),
    )
    invalid = (
        Example(
            "from keras.models import Sequential\nfrom keras.layers import Conv2D, Flatten\nm = Sequential()\n"
            "m.add(Conv2D(32, kernel_size=(7, 7), strides=(3, 3), input_shape=(28, 28, 1)))\n"
            "m.add(Conv2D(64, kernel_size=(5, 5), strides=(2, 2)))\nm.add(Flatten())\n",
            contains="conv2d_1 (Conv2D): (8 − 5) / 2 = 1.5 on height and width: the last row and column of the 8×8 input",
        ),
        Example(
            SEQ + "m = keras.Sequential([keras.Input((7, 7, 16)), layers.MaxPooling2D(2)])\n",
            contains="(7 − 2) / 2 = 2.5",
        ),
        Example(
            SEQ + "m = keras.Sequential([keras.Input((100, 8)), layers.Conv1D(4, 5, strides=4)])\n",
            contains="the last 3 positions of the 100-step input",
        ),
        # channels_first: the spatial axes are 2 and 3
        Example(
            SEQ + "m = keras.Sequential([keras.Input((3, 10, 9)), layers.Conv2D(8, 3, strides=2, data_format='channels_first')])\n",
            contains="(10 − 3) / 2 = 3.5 on height: the last row of the 10×9 input is never read",
        ),
        # dilation widens the window: 2·(3−1)+1 = 5
        Example(
            SEQ + "m = keras.Sequential([keras.Input((10, 4)), layers.SeparableConv1D(4, 3, strides=2, dilation_rate=2)])\n",
            contains="(10 − 5) / 2 = 2.5",
        ),
        Example(
            SEQ + "m = keras.Sequential([keras.Input((10, 10, 3)), layers.Conv2D(8, 3, strides=3)])\n",
            contains="(10 − 3) / 3 ≈ 2.33",
        ),
        # Keras 1 spelling: subsample= is strides=
        Example(
            SEQ + "from keras.layers import Convolution2D\n"
            "m = keras.Sequential([keras.Input((8, 8, 3)), Convolution2D(8, 3, 3, subsample=(2, 2))])\n",
            contains="(8 − 3) / 2 = 2.5",
        ),
    )

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for view, layer, slide in windows(ctx):
            if slide.padding != "valid":
                continue
            padded = zero_padding_after(view, layer)
            lost = [(i, r) for i in range(len(slide.axes)) if (r := unread(slide, i)) > padded.get(slide.axes[i], 0)]
            if lost:
                yield self.finding(
                    layer.source,
                    f"{layer.name} ({layer.class_name}): {describe(slide, lost)}",
                    fix="Use padding='same', or a kernel size and stride that tile the input exactly.",
                )


def unread(slide: Slide, i: int) -> int:
    """How many trailing positions of spatial axis ``i`` no window reaches (0 if unknown)."""
    n, span = slide.length(i), slide.span(i)
    if n is None or n < span or span < slide.strides[i]:
        return 0  # unknown, KC101's case, or a window that skips positions by design (1×1, stride 2)
    return (n - span) % slide.strides[i]


def zero_padding_after(view: ModelView, layer: Layer) -> dict[int, int]:
    """The zeros a ZeroPadding layer feeding ``layer`` adds after each axis of its input."""
    before = view.predecessors(layer)
    if len(before) != 1:
        return {}
    pad = before[0]
    if not isinstance(pad, Layer) or not isinstance(pad.type, ZeroPadding):
        return {}
    shapes = view.input_shapes(pad)
    try:
        amounts = pad.type.amounts(pad.config)
        axes = spatial_axes(pad.config, len(shapes[0])) if pad.type.has_data_format else [1]
    except (Unresolved, Invalid, TypeError, ValueError, IndexError):
        return {}
    return {axis: amount[1] for axis, amount in zip(axes, amounts)}


def describe(slide: Slide, lost: list[tuple[int, int]]) -> str:
    """``(8 − 5) / 2 = 1.5 on height and width: the last row and column of the 8×8 input are never read``."""
    groups: dict[tuple[Any, ...], list[int]] = {}
    for i, _ in lost:
        groups.setdefault((slide.length(i), slide.span(i), slide.strides[i]), []).append(i)
    parts = [f"{arithmetic(*key)} on {' and '.join(slide.axis_name(i) for i in axes)}" for key, axes in groups.items()]
    verb = "is" if len(lost) == 1 and lost[0][1] == 1 else "are"
    text = f"{'; '.join(parts)}: {trailing(slide, lost)} of the {slide.extent()} input {verb} never read"
    lengths = [slide.length(i) for i in range(len(slide.axes))]
    sizes = [n for n in lengths if n is not None]
    if len(lost) > 1 and len(sizes) == len(lengths) and max(slide.dilation) == 1:
        dropped = dict(lost)
        total = math.prod(sizes)
        kept = math.prod(n - dropped.get(i, 0) for i, n in enumerate(sizes))
        text += f" ({total - kept:,} of its {total:,} positions)"
    return text


def trailing(slide: Slide, lost: list[tuple[int, int]]) -> str:
    """``the last row and column``, ``the last 2 rows and the last column``."""
    counts = {r for _, r in lost}
    if len(counts) == 1:
        (r,) = counts
        names = [slide.position_name(i) + ("s" if r > 1 else "") for i, _ in lost]
        return f"the last {'' if r == 1 else f'{r} '}{enumerate_words(names)}"
    return enumerate_words([f"the last {plural(r, slide.position_name(i))}" for i, r in lost])


def enumerate_words(words: list[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


def arithmetic(n: int, span: int, stride: int) -> str:
    """``(8 − 5) / 2 = 1.5``, or ``≈ 2.33`` when the quotient has no short decimal form."""
    quotient = (n - span) / stride
    shown = f"= {quotient:g}" if round(quotient, 3) == quotient else f"≈ {quotient:.2f}"
    return f"({n} − {span}) / {stride} {shown}"


RULE = FractionalStrideDrop()
