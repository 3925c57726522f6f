"""Keras's auto-naming of layers and models in a fresh session (``dense``, ``dense_1``...)."""

from __future__ import annotations

from typing import Any

from kerascheck.catalog.base import to_snake_case

UNKNOWN_NAME = "?"


class Namer:
    """Keras's auto-naming in a fresh session: ``dense``, ``dense_1``..."""

    def __init__(self) -> None:
        self.counts: dict[str, int] = {}
        self.uncertain: set[str] = set()  # prefixes whose count is not known
        #: a layer's call() is being traced: Keras may trace it more than once, so
        #: how many names a layer made there takes is unknown
        self.tracing = False
        self.made = 0  # auto-names given so far
        #: a statement that gave auto-names was cut short (a budget ran out): how
        #: many it would have given is unknown, so every later auto-name is
        self.lost = False

    def __call__(self, class_name: str) -> str:
        prefix = to_snake_case(class_name)
        if self.tracing:
            self.uncertain.add(prefix)
            return UNKNOWN_NAME
        count = self.counts.get(prefix, 0)
        self.counts[prefix] = count + 1
        self.made += 1
        if self.lost or prefix in self.uncertain:
            return UNKNOWN_NAME
        return prefix if count == 0 else f"{prefix}_{count}"

    def unsure(self, class_name: str) -> None:
        """An object of ``class_name`` may have been auto-named here: the later
        auto-names of its prefix are unknown."""
        self.uncertain.add(to_snake_case(class_name))

    def given(self, name: Any, class_name: str) -> str:
        """The name of an object created with ``name=name``: Keras auto-names it
        when ``name`` is None.  An unknown name may be None, so it is unknown, and
        so are the later auto-names it may have shifted."""
        if isinstance(name, str):
            return name
        if name is None:
            return self(class_name)
        self.uncertain.add(to_snake_case(class_name))
        return UNKNOWN_NAME
