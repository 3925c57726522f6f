"""KC207 even-kernel-same-padding, one of kerascheck's rules:
An even kernel with padding='same' pads one more zero after than before: the output is shifted.
"""

from __future__ import annotations

from typing import Any, Iterator

from kerascheck.catalog.convolutional import Conv
from kerascheck.findings import Finding
from kerascheck.rules._windows import Slide, windows
from kerascheck.rules.base import Example, Rule, RuleContext

SEQ = "import keras\nfrom keras import layers\n"


class EvenKernelSamePadding(Rule):
    code = "KC207"
    name = "even-kernel-same-padding"
    severity = "info"
    summary = "An even kernel with padding='same' pads one more zero after than before: the output is shifted."
    docs = """\
## What it does
For every convolution (not transposed) with `padding="same"` and an even
kernel (counting dilation: a kernel `k` dilated by `d` spans `d·(k−1)+1`),
computes the padding Keras really adds on each spatial axis: the output has
`ceil(n / s)` positions and the total padding is
`max((out − 1)·s + span − n, 0)`.  When that total is odd, half of it
(rounded down) goes before and the rest after.

## Why it matters
With an odd total the padding is asymmetric: one more zero row/column at the
bottom/right than at the top/left.  At stride 1 every output position is then
centred half a pixel down and right of the input position it replaces, and the
shift adds up layer after layer — a problem for segmentation, keypoints,
U-Net skip connections and residual additions that assume aligned maps.

## Example
```python
keras.layers.Conv2D(64, 4, padding="same")  # over 32×32: pads 3 = 1 before, 2 after
```

## Fix
Use an odd kernel (3, 5…) with `padding="same"`, or pad explicitly with
`ZeroPadding2D` and `padding="valid"`.  Strided even kernels that tile the
input (`Conv2D(64, 4, strides=2, padding="same")` over 32) pad evenly and are
not reported.
"""
    valid = (
        Example(SEQ + "m = keras.Sequential([keras.Input((32, 32, 3)), layers.Conv2D(8, 3, padding='same')])\n", 0),
        # a DCGAN discriminator block: 30 + 4 − 32 = 2, one zero on each side
        Example(SEQ + "m = keras.Sequential([keras.Input((32, 32, 3)), layers.Conv2D(8, 4, strides=2, padding='same')])\n", 0),
        Example(SEQ + "m = keras.Sequential([keras.Input((32, 32, 3)), layers.Conv2D(8, 4)])\n", 0),
        # dilation 2 turns a 4-tap kernel into a 7-wide window: 6 = 3 + 3
        Example(SEQ + "m = keras.Sequential([keras.Input((32, 8)), layers.Conv1D(8, 4, padding='same', dilation_rate=2)])\n", 0),
        # transposed convolutions pad differently: not this rule
        Example(SEQ + "m = keras.Sequential([keras.Input((8, 8, 3)), layers.Conv2DTranspose(8, 4, padding='same')])\n", 0),
        Example(SEQ + "import sys\nk = int(sys.argv[1])\n"
                "m = keras.Sequential([keras.Input((32, 32, 3)), layers.Conv2D(8, k, padding='same')])\n", 0),
    )
    invalid = (
        Example(
            SEQ + "m = keras.Sequential([keras.Input((32, 32, 3)), layers.Conv2D(8, 4, padding='same')])\n",
            contains="conv2d (Conv2D): kernel 4 with padding='same' over 32 on height and width pads 3: 1 before, 2 after",
        ),
        # stride 1: the padding does not depend on the length, even a dynamic one
        Example(
            SEQ + "m = keras.Sequential([keras.Input((None, 16)), layers.Conv1D(8, 2, padding='same')])\n",
            contains="kernel 2 with padding='same' over None on length pads 1: 0 before, 1 after",
        ),
        Example(
            SEQ + "m = keras.Sequential([keras.Input((31, 31, 3)), layers.Conv2D(8, 4, strides=2, padding='same')])\n",
            contains="pads 3: 1 before, 2 after",
        ),
        Example(
            SEQ + "m = keras.Sequential([keras.Input((32, 32, 3)), layers.Conv2D(8, (3, 2), padding='same')])\n",
            contains="kernel 2 with padding='same' over 32 on width pads 1: 0 before, 1 after",
        ),
        Example(
            SEQ + "m = keras.Sequential([keras.Input((32, 32, 3)), layers.DepthwiseConv2D(2, padding='same')])\n",
        ),
        Example(
            SEQ + "from keras.layers import Convolution2D\nm = keras.Sequential([keras.Input((16, 16, 3)),"
            " Convolution2D(8, 4, 4, border_mode='same')])\n",
            contains="pads 3",
        ),
    )

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for _, layer, slide in windows(ctx):
            if slide.padding != "same" or not isinstance(layer.type, Conv):
                continue
            uneven = {i: total for i in range(len(slide.axes)) if (total := odd_padding(slide, i))}
            if uneven:
                yield self.finding(
                    layer.source,
                    f"{layer.name} ({layer.class_name}): {describe(slide, uneven)}",
                    fix="Use an odd kernel size with padding='same', or pad explicitly with a ZeroPadding layer.",
                )


def odd_padding(slide: Slide, i: int) -> int:
    """The total 'same' padding of spatial axis ``i`` when the kernel is even and it is odd; else 0."""
    span, stride, n = slide.span(i), slide.strides[i], slide.length(i)
    if span % 2:
        return 0
    if stride == 1:
        total = span - 1  # out = n: (n − 1) + span − n, whatever n is
    elif n is None:
        return 0
    else:
        out = -(-n // stride)
        total = max((out - 1) * stride + span - n, 0)
    return total if total % 2 else 0


def describe(slide: Slide, uneven: dict[int, int]) -> str:
    """``kernel 4 with padding='same' over 32 on height and width pads 3: 1 before, 2 after``."""
    groups: dict[tuple[Any, ...], list[int]] = {}
    for i, total in uneven.items():
        groups.setdefault((slide.kernel_text(i), slide.length(i), total), []).append(i)
    parts = []
    for (kernel, n, total), axes in groups.items():
        names = " and ".join(slide.axis_name(i) for i in axes)
        parts.append(f"kernel {kernel} with padding='same' over {n} on {names} pads {total}: {total // 2} before, {total - total // 2} after")
    text = "; ".join(parts)
    if all(slide.strides[i] == 1 for i in uneven):
        text += ": each output is centred half a position after the input position it stands for"
    return text


RULE = EvenKernelSamePadding()
