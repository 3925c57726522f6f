"""Input shapes the user gives where the source has none (``--input-shape NAME=SHAPE``,
``input-shapes`` in ``[tool.kerascheck]``).

SHAPE is one sample's shape, without the batch axis, as ``keras.Input(shape=...)``
takes it: ``28,28,1``, ``(28, 28, 1)``, ``784``, ``None,8`` (``None`` for a
dimension of any size).  NAME is either

- a function: its parameter that holds the input shape takes SHAPE whenever the
  source gives that parameter no known value (an entry point with no default,
  a call passing a shape read from data).  The parameter is ``input_shape``,
  else the only one whose name ends in ``shape``; ``FUNCTION.PARAMETER`` names
  it explicitly;
- a model, by its Keras name or its class name: a subclassed model that is
  never called on an input of known shape is called on ``keras.Input(SHAPE)``,
  and a Sequential model without an input shape is built on it.

A shape the source does give is never replaced.
"""

from __future__ import annotations

from typing import Any

from kerascheck.unknown import contains_unknown

Shape = tuple[int | None, ...]


def parse_shape(text: str) -> Shape:
    """``"28,28,1"``, ``"(28, 28, 1)"``, ``"[784]"``, ``"None,8"`` → a shape tuple (ValueError if not one)."""
    body = text.strip()
    if body[:1] in "([" and body[-1:] in ")]":
        body = body[1:-1]
    parts = [part.strip() for part in body.split(",")]
    if parts and parts[-1] == "":
        parts.pop()  # "(784,)"
    if not parts:
        raise ValueError(f"{text!r} is not a shape: give sizes separated by commas, e.g. 28,28,1")
    dims: list[int | None] = []
    for part in parts:
        if part in ("None", "?"):
            dims.append(None)
        elif part.isdigit() and int(part) > 0:
            dims.append(int(part))
        else:
            raise ValueError(f"{text!r} is not a shape: {part!r} is not a positive integer or None")
    return tuple(dims)


def parse_assignment(text: str) -> tuple[str, Shape]:
    """``"NAME=SHAPE"`` → (NAME, shape)."""
    name, sep, shape = text.partition("=")
    name = name.strip()
    if not sep or not name:
        raise ValueError(f"{text!r}: expected NAME=SHAPE, e.g. build_model=28,28,1")
    return name, parse_shape(shape)


def from_config(value: Any) -> Shape:
    """A shape in ``[tool.kerascheck] input-shapes``: a list of sizes or a SHAPE string."""
    if isinstance(value, str):
        return parse_shape(value)
    if isinstance(value, list) and value and all(isinstance(d, int) and not isinstance(d, bool) and d > 0 for d in value):
        return tuple(value)
    raise ValueError(f"{value!r} is not a shape: give a list of positive integers or a string such as \"None,8\"")


class InputShapes:
    """The shapes given by name, and which names the analysis used."""

    def __init__(self, shapes: dict[str, Shape]) -> None:
        self.shapes = dict(shapes)
        self.used: set[str] = set()

    def bind(self, function_name: str, parameters: list[str], bound: dict[str, Any]) -> None:
        """Give the function's shape parameter its shape, if the call left it unknown."""
        for key, parameter in self._targets(function_name, parameters):
            if parameter in bound and contains_unknown(bound[parameter]):
                bound[parameter] = self.shapes[key]
                self.used.add(key)

    def _targets(self, function_name: str, parameters: list[str]) -> list[tuple[str, str]]:
        targets = [(key, key.partition(".")[2]) for key in self.shapes if key.partition(".")[0] == function_name and "." in key]
        if function_name in self.shapes:
            shaped = [p for p in parameters if p.endswith("shape")]
            chosen = "input_shape" if "input_shape" in parameters else shaped[0] if len(shaped) == 1 else None
            if chosen is not None:
                targets.append((function_name, chosen))
        return targets

    def for_model(self, name: str, class_name: str) -> Shape | None:
        """The shape given for a model (by its name, else its class)."""
        for key in (name, class_name):
            if key in self.shapes:
                self.used.add(key)
                return self.shapes[key]
        return None
