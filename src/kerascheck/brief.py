"""Short reprs for the abstract objects that hold others.

A layer holds its calls, a call its tensors, a tensor the call that made it,
an instance its attributes: a dataclass's own ``repr`` shows all of that,
nested, once for each way to reach it, so a ResNet's output tensor (each block
adding its input back) prints as trillions of characters.  These objects show
their kind and name only, so a message that names one (``f"layer {x!r}"``)
stays short whatever the graph.
"""

from __future__ import annotations


class Brief:
    """A mixin: ``repr`` is ``<Kind name>`` (``<Kind>`` without a string ``name``).
    A dataclass using it is declared with ``repr=False``."""

    def __repr__(self) -> str:
        name = getattr(self, "name", None)
        return f"<{type(self).__name__} {name}>" if isinstance(name, str) else f"<{type(self).__name__}>"
