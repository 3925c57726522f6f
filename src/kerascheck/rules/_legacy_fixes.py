"""The edits that turn a layer call's Keras 1/2 spellings into Keras 3's, for KC301.

Only spellings whose Keras 3 form means exactly what kerascheck already read
are rewritten: a keyword the catalog reads as its Keras 3 name
(``border_mode=`` → ``padding=``), ``dim_ordering`` given as ``'th'``/``'tf'``,
and Keras 1's kernel axes given one by one (``Convolution2D(8, 3, 3)`` →
``Convolution2D(8, (3, 3))``, a name Keras 3 keeps).  A call gets edits only
when they rewrite every spelling reported for it, when the call as written
is the one the layer was built from (no ``*args`` or ``**kwargs``), and (KC301
checks it) when they are those of every layer the call made.
"""

from __future__ import annotations

import libcst as cst

from kerascheck.catalog.convolutional import DIM_ORDERING, Conv
from kerascheck.findings import Edit
from kerascheck.graph import Layer
from kerascheck.rules._legacy_spellings import REMOVED_ALIASES


def legacy_edits(layer: Layer, spellings: int) -> tuple[Edit, ...]:
    """The edits that rewrite the ``spellings`` Keras 1/2 spellings of the call that
    built ``layer``; none unless they rewrite each of them."""
    call = layer.source
    if not isinstance(call, cst.Call) or layer.type is None or _called_name(call) != layer.called_as:
        return ()
    if layer.called_as in REMOVED_ALIASES:
        return ()  # its Keras 3 name is another import
    positional = [arg.value for arg in call.args if arg.keyword is None and not arg.star]
    keywords = {arg.keyword.value: arg for arg in call.args if arg.keyword is not None}
    if any(arg.star for arg in call.args) or len(positional) != layer.positional_count:
        return ()
    if set(keywords) != set(layer.keywords):
        return ()
    edits: list[Edit] = []
    rewritten = 0
    if layer.legacy_positional:
        if not isinstance(layer.type, Conv) or len(positional) != 1 + layer.type.rank:
            return ()
        kernel = layer.config.get("kernel_size")
        if not (isinstance(kernel, tuple) and all(isinstance(k, int) for k in kernel)):
            return ()  # an axis may be a tuple the call does not show
        edits += [Edit(positional[1], "(", "before"), Edit(positional[-1], ")", "after")]
        rewritten += 1
    for name, arg in keywords.items():
        new = layer.type.legacy_kwargs.get(name)
        if new is not None and new not in keywords:
            assert arg.keyword is not None  # keywords holds keyword arguments only
            edits.append(Edit(arg.keyword, new))
            rewritten += 1
        elif name == "dim_ordering" and "data_format" not in keywords:
            data_format = DIM_ORDERING.get(_literal(arg.value) or "")  # 'th'/'tf' ('default': no literal)
            if data_format is None:
                return ()
            assert arg.keyword is not None
            edits += [Edit(arg.keyword, "data_format"), Edit(arg.value, repr(data_format))]
            rewritten += 1
    return tuple(edits) if rewritten == spellings else ()


def keyword_edits(call: cst.CSTNode, renames: dict[str, str]) -> tuple[Edit, ...]:
    """Edits that rename the keyword arguments ``renames`` names in ``call``; none
    unless each is there once, and its new name is not."""
    if not isinstance(call, cst.Call) or any(arg.star for arg in call.args):
        return ()
    keywords = [arg.keyword for arg in call.args if arg.keyword is not None]
    names = [k.value for k in keywords]
    if any(names.count(old) != 1 or new in names for old, new in renames.items()):
        return ()
    return tuple(Edit(k, renames[k.value]) for k in keywords if k.value in renames)


def _called_name(call: cst.Call) -> str:
    """The name a call is made with: ``Conv2D`` for ``layers.Conv2D(...)``."""
    func = call.func
    if isinstance(func, cst.Attribute):
        return func.attr.value
    return func.value if isinstance(func, cst.Name) else ""


def _literal(node: cst.BaseExpression) -> str | None:
    """The value of a plain string literal."""
    if isinstance(node, cst.SimpleString):
        value = node.evaluated_value
        return value if isinstance(value, str) else None
    return None
