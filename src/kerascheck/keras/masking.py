"""Keras masks in a Functional graph, as Keras 3's ``Layer.__call__`` makes them.

When a layer is called on symbolic tensors, Keras:

1. passes the mask of its only tensor argument as the ``mask`` argument of a
   ``call`` that takes one (``node_mask``).  The mask becomes an input of the
   call's node, and the operations that computed it rows of the model, only
   when Keras did not convert the arguments first: a call ``layer(x)`` with one
   positional tensor of the layer's dtype and no keyword (any call of a
   Functional model, which converts nothing);
2. then, if the layer supports masking, runs its ``compute_mask`` on the
   first argument and the mask it was given (or the first argument's), and
   attaches the result to the outputs (``output_masks``).  ``compute_mask``
   runs ``keras.ops`` on symbolic tensors, so its operations take auto-names
   (``not_equal``, ``logical_or``...) whether or not a later call takes the
   mask.  Each catalog type says which ``compute_mask`` it has (``Mask``).

A Sequential model runs its layers the same way each time Keras builds it:
only their names count there (``chain_operations``).

A mask kerascheck cannot determine is an unknown tensor: a call that takes
it makes the model's graph incomplete (totals unknown), and the operations a
later ``compute_mask`` may make of it leave their auto-names unknown.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Protocol

from kerascheck import catalog
from kerascheck.catalog import operations
from kerascheck.catalog.base import LayerType, Mask
from kerascheck.graph import Layer, Model, Operation, Tensor
from kerascheck.interpreter.limits import AnalysisLimit
from kerascheck.interpreter.values import Arguments, Function
from kerascheck.keras.naming import Namer
from kerascheck.unknown import Unknown, is_unknown


class Graph(Protocol):
    """What computing masks needs of the Keras session: its auto-names, the
    interpreter, and operations on symbolic tensors."""

    name: Namer
    host: Any

    def call_op(self, function: str, args: list, kwargs: dict, node: Any) -> Any: ...


@dataclass
class Custom:
    """How Keras masks an instance of a Layer subclass defined in the analysed code
    (``LayerType.custom_masking``): whether its ``call`` takes the mask (None: not
    known), and its output's mask: a catalog ``base``'s ``compute_mask`` on
    ``config``, its own (``compute``, interpreted on the first argument and the
    mask), Keras's default (``passes``) or none; ``unknown``: not followed."""

    takes_mask: bool | None
    base: LayerType | None = None
    config: dict = field(default_factory=dict)
    compute: Callable[[Any, Any], Any] | None = None
    passes: bool = False
    unknown: str = ""


#: every operation class kerascheck models: a ``compute_mask`` it does not follow may make any
ANY_OPERATION = tuple(
    sorted({*operations.BINARY.values(), *operations.UNARY.values(), *operations.REDUCE.values()}
           | {kind.name for kind in operations.SHAPING.values()})
)
#: the operations each ``compute_mask`` may create (by class name), whose later
#: auto-names an unknown mask leaves unknown
OPERATIONS = {
    Mask.MERGED: ("LogicalOr",),
    Mask.CONCATENATED: ("OnesLike", "ExpandDims", "ZerosLike", "LogicalOr", "Concatenate", "Any"),
    Mask.NONZERO: ("NotEqual",),
    Mask.MASK_VALUE: ("NotEqual", "Any"),
    Mask.QUERY: ("ConvertToTensor",),
    Mask.GIVEN: ANY_OPERATION,  # a Lambda's mask function
}


def unknown_mask(reason: str) -> Tensor:
    """A mask kerascheck cannot determine (it may be none)."""
    return Tensor(Unknown(reason), unfollowed=reason)


def is_unknown_mask(mask: Any) -> bool:
    return isinstance(mask, Tensor) and bool(mask.unfollowed)


def masks_of(value: Any) -> Any:
    """Keras's ``tree.map_structure(get_keras_mask, value)``."""
    if isinstance(value, Tensor):
        if value.alternatives:
            masks = [masks_of(t) for t in value.alternatives]
            if all(m is None for m in masks):
                return None
            return unknown_mask("the mask of a tensor chosen by a condition kerascheck cannot evaluate")
        return value.mask
    if isinstance(value, (list, tuple)):
        return [masks_of(v) for v in value]
    if isinstance(value, dict):
        return {k: masks_of(v) for k, v in value.items()}
    return None


def _leaves(mask: Any) -> list:
    if isinstance(mask, (list, tuple)):
        return [leaf for m in mask for leaf in _leaves(m)]
    if isinstance(mask, dict):
        return [leaf for k in sorted(mask) for leaf in _leaves(mask[k])]
    return [mask]


def has_mask(mask: Any) -> bool:
    return any(leaf is not None for leaf in _leaves(mask))


def previous_mask(first: Any, named: dict) -> Any:
    """The mask ``compute_mask`` is given: the call's ``mask`` argument, else the first argument's."""
    given = named.get("mask")
    return given if given is not None else masks_of(first)


# ------------------------------------------------------------------ the call's mask argument
def node_mask(op: Operation, first: Any, named: dict, plain: bool) -> Any:
    """The mask Keras adds to the call's node as its ``mask`` argument (None: none).

    ``plain``: the call is ``op(x)``, one positional argument and no keyword."""
    if "mask" in named:
        return None  # given by the call: already an argument
    mask = masks_of(first)
    if not has_mask(mask):
        return None
    takes = takes_mask(op)
    if takes is None:
        return unknown_mask(f"whether {op.class_name}'s call takes the mask is not known")
    if not takes:
        return None
    if isinstance(op, Model) and op.kind == "functional":
        return mask  # a Functional model converts no argument
    if not plain or not isinstance(first, Tensor):
        return None  # Keras converted the arguments into new ones: the mask is not among the node's
    if is_unknown_mask(mask) or (_default_dtype(op) and _produced_in_default_dtype(first)):
        return mask
    return unknown_mask(f"whether Keras passes the mask to {op.class_name} depends on dtypes kerascheck does not follow")


def model_call_mask(model: Model, first: Any, kwargs: dict, arguments: Arguments) -> dict:
    """The ``mask`` argument of the node of a model's call: the call's, or the one Keras passes."""
    if isinstance(kwargs.get("mask"), (Tensor, list, tuple)):
        return {"mask": kwargs["mask"]}
    plain = len(arguments.positional) == 1 and not arguments.keywords
    given = node_mask(model, first, kwargs, plain)
    return {} if given is None else {"mask": given}


def takes_mask(op: Operation) -> bool | None:
    """Whether ``op``'s ``call`` has a ``mask`` parameter (None: not known)."""
    if isinstance(op, Model):
        if op.kind != "subclassed":
            return True
        return takes_mask_argument(op.owner.cls.lookup("call") if op.owner is not None else None)
    custom = custom_masking(op)
    if custom is not None:
        return custom.takes_mask
    kind = catalog.type_of(op)
    return kind.takes_mask if kind is not None else None


def custom_masking(op: Operation) -> Custom | None:
    """How a layer of a class defined in the analysed code masks (None for any other)."""
    return op.type.custom_masking() if isinstance(op, Layer) and op.type is not None else None


def takes_mask_argument(call: Any) -> bool | None:
    """Whether the source's ``call`` method has a ``mask`` parameter (None: not a function)."""
    if not isinstance(call, Function):
        return None
    params = call.node.params
    return any(p.name.value == "mask" for p in (*params.posonly_params, *params.params, *params.kwonly_params))


def _default_dtype(op: Operation) -> bool:
    """Whether ``op`` computes in the default dtype (a layer given no ``dtype``)."""
    if not isinstance(op, Layer):
        return True
    return (op.type is not None or op.is_input) and op.config.get("dtype") is None


def _produced_in_default_dtype(tensor: Tensor) -> bool:
    """Whether the layer that made ``tensor`` computes in the default dtype (as the layer taking it)."""
    node = tensor.producer
    if node is None or not _default_dtype(node.operation):
        return False
    if node.operation.class_name == "Identity" and node.inputs:  # keeps its input's dtype
        return _produced_in_default_dtype(node.inputs[0])
    return True


# ------------------------------------------------------------------ compute_mask
def output_masks(graph: Graph, op: Operation, first: Any, previous: Any, node: Any) -> Any:
    """What Keras's ``compute_mask`` returns for the call (None when the layer does
    not support masking), creating the operations it runs."""
    if isinstance(op, Model):
        return None  # Keras's models do not support masking
    custom = custom_masking(op)
    if custom is not None:
        return _custom(graph, custom, first, previous, node)
    kind = catalog.type_of(op)
    if kind is not None and (not isinstance(op, Layer) or op.type is not None):
        return compute(graph, kind, op.config if isinstance(op, Layer) else {}, first, previous, node)
    # a layer kerascheck does not know, or a catalog layer given arguments of unknown content
    if kind is not None and kind.mask is Mask.DROPPED:
        return None
    if has_mask(previous) or (kind is not None and kind.mask.computed):
        creates = ANY_OPERATION if kind is None else OPERATIONS.get(kind.mask, ())
        return _unknown(graph, f"how the {op.class_name} masks its output is not known", creates)
    return None


def _custom(graph: Graph, custom: Custom, first: Any, previous: Any, node: Any) -> Any:
    if custom.unknown:
        return _unknown(graph, custom.unknown, ANY_OPERATION)
    if custom.base is not None:
        return compute(graph, custom.base, custom.config, first, previous, node)
    if custom.compute is not None:
        try:
            result = custom.compute(first, previous)
        except AnalysisLimit:
            result = Unknown("compute_mask is too complex")
        return _returned(graph, result, "the layer's compute_mask() is not understood")
    return previous if custom.passes else None


def compute(graph: Graph, kind: LayerType, config: dict, first: Any, previous: Any, node: Any) -> Any:
    """``compute_mask`` of a catalog layer type configured by ``config``."""
    behaviour = kind.mask
    if behaviour is Mask.DROPPED:
        return None
    if behaviour is Mask.PASSED:
        return previous
    if behaviour is Mask.NONZERO:
        return _nonzero(graph, config, first, node)
    if behaviour is Mask.MASK_VALUE:
        if not isinstance(first, Tensor):
            return _unknown(graph, "Masking of several tensors", OPERATIONS[behaviour])
        not_equal = graph.call_op("not_equal", [first, config.get("mask_value", 0.0)], {}, node)
        return graph.call_op("any", [not_equal], {"axis": -1}, node)
    if behaviour is Mask.MERGED:
        return _merged(graph, previous, node)
    if behaviour is Mask.CONCATENATED:
        return _concatenated(graph, config, first, previous, node)
    if behaviour is Mask.SEQUENCES:
        mask = (_leaves(previous) or [None])[0]  # the first of several (the sequence's, before the states')
        return _if_sequences(graph, config.get("return_sequences", False), mask, lambda: mask)
    if behaviour is Mask.WRAPPED_SEQUENCES:
        return _bidirectional(graph, kind, config, previous)
    if behaviour is Mask.QUERY:
        return _query(graph, previous, node)
    return _given(graph, config.get("mask"), first, previous)


def _nonzero(graph: Graph, config: dict, first: Any, node: Any) -> Any:
    """``Embedding``: ``not_equal(inputs, 0)`` when ``mask_zero=True`` (it supports masking only then)."""
    zero = config.get("mask_zero", False)
    if zero is False:
        return None
    if zero is not True or not isinstance(first, Tensor):
        return _unknown(graph, "whether the Embedding masks zeros is not known", OPERATIONS[Mask.NONZERO])
    return graph.call_op("not_equal", [first, 0], {}, node)


def _merged(graph: Graph, previous: Any, node: Any) -> Any:
    """``Add``, ``Multiply``...: the ``logical_or`` of the masks when every input has one."""
    masks = previous if isinstance(previous, list) else []
    if previous is None or any(m is None for m in masks):
        return None
    if not masks or any(not isinstance(m, Tensor) or is_unknown_mask(m) for m in masks):
        return _unknown(graph, "a merged mask is not known", OPERATIONS[Mask.MERGED])
    merged = masks[0]
    for mask in masks[1:]:
        merged = graph.call_op("logical_or", [merged, mask], {}, node)
    return merged


def _concatenated(graph: Graph, config: dict, first: Any, previous: Any, node: Any) -> Any:
    """``Concatenate``: each input's mask (all true where it has none) at the input's
    rank, concatenated along the layer's axis, then ``any`` over the last axis."""
    masks = previous if isinstance(previous, list) else []
    if previous is None or all(m is None for m in masks):
        return None
    inputs = first if isinstance(first, list) else []
    ranks_known = len(inputs) == len(masks) and all(
        isinstance(t, Tensor) and isinstance(t.shape, tuple)
        and (m is None or (isinstance(m, Tensor) and not is_unknown_mask(m) and isinstance(m.shape, tuple)))
        for t, m in zip(inputs, masks)
    )
    if not ranks_known:
        return _unknown(graph, "a concatenated mask is not known", OPERATIONS[Mask.CONCATENATED])
    full = []
    for tensor, mask in zip(inputs, masks):
        if mask is None:
            full.append(graph.call_op("ones_like", [tensor], {"dtype": "bool"}, node))
        elif len(mask.shape) < len(tensor.shape):
            expanded = graph.call_op("expand_dims", [mask], {"axis": -1}, node)
            zeros = graph.call_op("zeros_like", [tensor], {"dtype": "bool"}, node)
            full.append(graph.call_op("logical_or", [expanded, zeros], {}, node))
        else:
            full.append(mask)
    joined = graph.call_op("concatenate", [full], {"axis": config.get("axis", -1)}, node)
    return graph.call_op("any", [joined], {"axis": -1, "keepdims": False}, node)


def _if_sequences(graph: Graph, sequences: Any, mask: Any, masked: Any) -> Any:
    """A recurrent layer's output mask: ``masked()`` when it returns sequences, else none."""
    if mask is None or sequences is False:
        return None
    if sequences is not True:
        return _unknown(graph, "whether the layer returns sequences is not known", ())
    return masked()


def _bidirectional(graph: Graph, kind: LayerType, config: dict, previous: Any) -> Any:
    """``Bidirectional``: the input's mask on each output when the wrapped layer returns sequences."""
    mask = previous[0] if isinstance(previous, list) else previous
    sequences = kind.returns_sequences(config) if hasattr(kind, "returns_sequences") else Unknown("the wrapped layer")
    mode = config.get("merge_mode", "concat")
    if mask is not None and is_unknown(mode):
        return _unknown(graph, "the merge mode is not known", ())
    return _if_sequences(graph, sequences, mask, lambda: [mask, mask] if mode is None else mask)


def _query(graph: Graph, previous: Any, node: Any) -> Any:
    """``Attention``: ``convert_to_tensor`` of the query's mask (masks given as a list)."""
    if previous is None:
        return None
    if not isinstance(previous, list) or not previous:
        return _unknown(graph, "the attention masks are not a list", OPERATIONS[Mask.QUERY])
    query = previous[0]
    if query is None:
        return None
    if not isinstance(query, Tensor) or is_unknown_mask(query):
        return _unknown(graph, "the query's mask is not known", OPERATIONS[Mask.QUERY])
    return graph.call_op("convert_to_tensor", [query], {}, node)


def _given(graph: Graph, given: Any, first: Any, previous: Any) -> Any:
    """``Lambda``: its ``mask`` argument, called on the inputs and their mask when a function."""
    if given is None:
        return None
    if isinstance(given, Tensor):
        return given
    if not isinstance(given, Function):
        return _unknown(graph, "the Lambda's mask is not understood", ANY_OPERATION)
    try:
        result = graph.host.call_function(given, Arguments([first, previous], {}))
    except AnalysisLimit:
        result = Unknown("the Lambda's mask function is too complex")
    return _returned(graph, result, "the Lambda's mask function is not understood")


def _returned(graph: Graph, result: Any, reason: str) -> Any:
    """The mask a function of the source returned: none, a tensor (a mask it was
    given unknown stays so), else unknown, and so are the names of what it may have run."""
    if result is None or is_unknown_mask(result) or (isinstance(result, Tensor) and not is_unknown(result.shape)):
        return result
    return _unknown(graph, reason, ANY_OPERATION)


def _unknown(graph: Graph, reason: str, creates: tuple[str, ...]) -> Tensor:
    """An unknown mask, whose computation may have made operations named ``creates``."""
    for class_name in creates:
        graph.name.unsure(class_name)
    return unknown_mask(reason)


def attach(result: Any, masks: Any) -> None:
    """Keras's ``_set_mask_metadata``: the masks onto the outputs, in flattened order."""
    outputs = [t for t in _leaves(result) if isinstance(t, Tensor)]
    for tensor, mask in zip(outputs, _leaves(masks)):
        if mask is not None and tensor.mask is None:
            tensor.mask = mask


# ------------------------------------------------------------------ Sequential
def chain_mask(op: Operation, previous: Any) -> Any:
    """The mask of a Sequential model's layer's output (its ``outputs``, a layer's
    ``output``), given its input's: none, or an unknown mask wherever Keras makes
    one (the operations of a Sequential's own graph are not modelled)."""
    if isinstance(op, Model) or not isinstance(op, Layer):
        return None
    custom = custom_masking(op)
    kind = custom.base if custom is not None else catalog.type_of(op)
    if custom is not None and kind is None:
        if custom.unknown or custom.compute is not None:
            return _inner()
        return previous if custom.passes else None
    if kind is None:
        return _inner() if previous is not None else None
    config = custom.config if custom is not None else op.config
    behaviour = kind.mask
    if op.type is None and behaviour is not Mask.DROPPED:  # arguments of unknown content
        return _inner() if previous is not None or behaviour.computed else None
    if behaviour is Mask.DROPPED:
        return None
    if behaviour is Mask.PASSED:
        return previous
    if behaviour is Mask.NONZERO:
        return None if config.get("mask_zero", False) is False else _inner()
    if behaviour is Mask.GIVEN:
        return None if config.get("mask") is None else _inner()
    if behaviour is Mask.SEQUENCES and config.get("return_sequences", False) is False:
        return None
    if behaviour is Mask.MASK_VALUE or previous is not None:
        return _inner()
    return None


def _inner() -> Tensor:
    return unknown_mask("a mask computed inside a Sequential model is not modelled")


def chain_operations(op: Operation) -> tuple[tuple[str, bool], ...]:
    """The operations (class names) ``op``'s ``compute_mask`` runs each time Keras
    builds a Sequential model holding it, each with whether it surely runs (else
    its auto-names become unknown).  In a chain a layer has a single input, so
    only a layer that computes a mask from it runs any."""
    if isinstance(op, Model) or not isinstance(op, Layer) or op.is_input:
        return ()  # a model called symbolically runs no compute_mask
    custom = custom_masking(op)
    unsure = tuple((name, False) for name in ANY_OPERATION)
    if custom is not None and (custom.unknown or custom.compute is not None):
        return unsure
    kind = custom.base if custom is not None else catalog.type_of(op)
    config = custom.config if custom is not None else op.config
    if kind is None:
        return ()
    made = tuple((name, True) for name in OPERATIONS.get(kind.mask, ()))
    if op.type is None:  # arguments of unknown content
        return tuple((name, False) for name, _ in made) if kind.mask.computed else ()
    if kind.mask is Mask.NONZERO:
        zero = config.get("mask_zero", False)
        return () if zero is False else made if zero is True else tuple((name, False) for name, _ in made)
    if kind.mask is Mask.MASK_VALUE:
        return made
    if kind.mask is Mask.GIVEN and config.get("mask") is not None:
        return unsure
    return ()
