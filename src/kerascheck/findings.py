"""Findings: what a rule or the analysis found, at a syntax node, before it is placed in the source.

The pipeline (``analysis``) turns each finding into a ``Diagnostic``: its span
from the node's position, its name and severity from the rule of its code.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    import libcst as cst


@dataclass(frozen=True)
class Edit:
    """One change of the source: ``text`` replaces ``node``, or is inserted
    ``before`` or ``after`` it."""

    node: cst.CSTNode
    text: str
    at: Literal["replace", "before", "after"] = "replace"


@dataclass(frozen=True)
class Finding:
    """One thing found, with the code of the rule that documents it."""

    code: str
    node: cst.CSTNode | None  # where it is (None: the file as a whole)
    message: str
    fix: str | None = None  # how to fix it, in words
    severity: str | None = None  # overrides the rule's severity (KC209's one-unit softmax is an error)
    #: the fix as edits, when it is mechanical and certainly right (applying them all fixes the finding)
    edits: tuple[Edit, ...] = ()
