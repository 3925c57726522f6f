"""The sliding window of a convolution or pooling layer on its input, for the window rules."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterator

from kerascheck.catalog.base import Invalid, Shape, Unresolved, as_tuple, known, spatial_name
from kerascheck.catalog.convolutional import Conv, ConvTranspose, spatial_axes
from kerascheck.catalog.pooling import Pooling
from kerascheck.graph import Layer
from kerascheck.rules.base import ModelView, RuleContext

#: what one position of each spatial axis is called, by number of spatial axes
POSITIONS = {1: ("position",), 2: ("row", "column"), 3: ("slice", "row", "column")}


@dataclass(frozen=True)
class Slide:
    """A window sliding over the spatial ``axes`` of an input ``shape``."""

    shape: Shape
    axes: tuple[int, ...]
    kernel: tuple[int, ...]
    strides: tuple[int, ...]
    dilation: tuple[int, ...]
    padding: str

    def span(self, i: int) -> int:
        """The effective kernel on spatial axis ``i``: d·(k−1)+1."""
        return self.dilation[i] * (self.kernel[i] - 1) + 1

    def length(self, i: int) -> int | None:
        """The input length on spatial axis ``i``: an int, or None / Unknown."""
        n = self.shape[self.axes[i]]
        return n if isinstance(n, int) and not isinstance(n, bool) else None

    def kernel_text(self, i: int) -> str:
        k, d = self.kernel[i], self.dilation[i]
        return f"{k}" if d == 1 else f"{k} dilated by {d} (spanning {self.span(i)})"

    def axis_name(self, i: int) -> str:
        return spatial_name(i, len(self.axes))

    def position_name(self, i: int) -> str:
        return POSITIONS.get(len(self.axes), ("position",) * len(self.axes))[i]

    def extent(self) -> str:
        """The spatial size of the input: ``8×8``; a 1-D input reads ``100-step``."""
        dims = ["?" if self.length(i) is None else str(self.length(i)) for i in range(len(self.axes))]
        return f"{dims[0]}-step" if len(dims) == 1 else "×".join(dims)


def sliding_window(layer: Layer, shape: Any) -> Slide | None:
    """The window of a (non-transposed) convolution or a local pooling layer called
    on ``shape``; None for other layers or when an argument is not known."""
    kind = layer.type
    if isinstance(kind, ConvTranspose) or not isinstance(kind, (Conv, Pooling)):
        return None
    if not isinstance(shape, tuple) or len(shape) != kind.rank + 2:
        return None  # ConvLSTM (a time axis more) or an input of unknown rank
    cfg = layer.config
    try:
        axes = tuple(spatial_axes(cfg, len(shape)))
        if isinstance(kind, Conv):
            window = kind.window(cfg)
            return Slide(shape, axes, window.kernel, window.strides, window.dilation, window.padding)
        pool = as_tuple(cfg["pool_size"], kind.rank, "pool_size")
        strides = pool if cfg["strides"] is None else as_tuple(cfg["strides"], kind.rank, "strides")
        padding = known(cfg["padding"], "padding")
    except (Unresolved, Invalid, KeyError, TypeError, ValueError):
        return None
    if not all(isinstance(v, int) and v > 0 for v in pool + strides):
        return None
    return Slide(shape, axes, pool, strides, (1,) * kind.rank, padding)


def windows(ctx: RuleContext) -> Iterator[tuple[ModelView, Layer, Slide]]:
    """Each convolution and local pooling layer of the file's models, with its
    window on the input of its (last) call, where that is known."""
    for model in ctx.models:
        view = ctx.view(model)
        for layer in view.layers():
            shapes = view.input_shapes(layer)
            slide = sliding_window(layer, shapes[0]) if len(shapes) == 1 else None
            if slide is not None:
                yield view, layer, slide


def plural(count: int, word: str) -> str:
    return f"{count} {word}s" if count != 1 else word
