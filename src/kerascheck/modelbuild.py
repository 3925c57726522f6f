"""Turning a model's layers and graph into summary rows, the way Keras 3 orders them.

Sequential models are built on demand (chaining their layers from the input
shape); Functional models are traversed from their outputs with Keras's own
ordering rule (by depth, then by first traversal), and a model called on new
inputs is replayed on the new shapes.
"""

from __future__ import annotations

from typing import Any

from kerascheck.catalog.base import Call, Explain, Invalid, Unresolved
from kerascheck.graph import Layer, Model, Node, Operation, Problem, Row, Tensor
from kerascheck.keras.masking import chain_mask
from kerascheck.unknown import Unknown, is_unknown


def ensure_rows(model: Model) -> None:
    """Compute ``model.rows`` (and, for Sequential, its graph) if not done yet."""
    if model.rows is not None:
        return
    if model.kind == "sequential":
        build_sequential(model)
    elif model.kind == "functional":
        model.rows = functional_rows(model)
    else:
        model.rows = subclassed_rows(model)


def sequential_input(model: Model) -> Any:
    """The input shape a Sequential model declares (with batch axis), or None."""
    if model.declared_input is not None:
        return model.declared_input
    if not model.sequence:
        return None
    first = model.sequence[0]
    if isinstance(first, Layer) and first.is_input:
        return first.nodes[0].outputs[0].shape
    if isinstance(first, Layer) and first.type is not None:
        return first.type.declared_input_shape(first.config)
    if isinstance(first, Model) and first.kind != "subclassed":
        ensure_rows(first)
        return first.inputs[0].shape if len(first.inputs) == 1 else None
    return None


def keras2_input(model: Model) -> Any:
    """The input Keras 1/2 built a Sequential model on when it declares none and
    Keras 3 leaves it unbuilt: its first layer's ``keras2_input_shape`` (README,
    "Legacy intent").  A call, ``build()`` or ``Input`` builds it as in Keras 3."""
    first = model.sequence[0] if model.sequence else None
    if isinstance(first, Layer) and first.type is not None and not first.is_input:
        return first.type.keras2_input_shape(first.config)
    return None


def build_sequential(model: Model) -> None:
    """Chain the layers of a Sequential model from its input shape."""
    shape = sequential_input(model)
    if shape is None:
        shape = keras2_input(model)
    layers = [op for op in model.sequence if not (isinstance(op, Layer) and op.is_input)]
    if shape is None:
        # Not built: Keras shows no shapes and no weights for such a model.
        model.unknown_reason = "the model has no input shape (no input_shape=, Input or build())"
        model.rows = [Row(op, Unknown("not built"), built=False) for op in layers]
        return
    source = model.sequence[0].source if model.sequence else model.source
    first = Tensor(tuple(shape) if isinstance(shape, (tuple, list)) else shape)
    first.producer = Node(Layer("input", "InputLayer", source, is_input=True), [], [first])
    model.inputs = [first]
    current: Any = first
    rows = []
    for op in layers:
        previous = current.mask
        output = call_operation(op, current)
        current = output if isinstance(output, Tensor) else Tensor(Unknown("several outputs in a Sequential"))
        current.mask = chain_mask(op, previous)
        rows.append(Row(op, current.shape))
    model.outputs = [current]
    model.rows = rows


def call_operation(op: Operation, tensor: Tensor) -> Any:
    """Apply a layer or a nested model to one tensor, recording the node."""
    if isinstance(op, Model):
        if op.kind == "sequential" and sequential_input(op) is None:
            op.declared_input = tensor.shape  # calling an unbuilt Sequential builds it
            op.rows = None
        ensure_rows(op)
        output = replay_model(op, tensor.shape)
    else:
        output = op.apply(Call(tensor.shape)) if isinstance(op, Layer) else Unknown("not a layer")
    node = Node(op, [tensor], [], arguments=(tensor, {}))
    if isinstance(output, list):
        node.outputs = [Tensor(s, node, i) for i, s in enumerate(output)]
    else:
        node.outputs = [Tensor(output, node, 0)]
    op.nodes.append(node)
    return node.outputs[0] if len(node.outputs) == 1 else list(node.outputs)


# ------------------------------------------------------------- functional
def traverse(model: Model) -> tuple[list[Node], dict[Operation, int], str]:
    """Keras's ``_build_map``: nodes from inputs to outputs, first-seen order of operations.

    Returns the nodes, the traversal index of each operation, and why the
    graph is incomplete ("" when it is complete).
    """
    finished: set[int] = set()
    in_progress: set[int] = set()
    ordered: list[Node] = []
    indices: dict[Operation, int] = {}
    problem = ""
    input_ids = {id(t) for t in model.inputs}

    def visit(tensor: Tensor) -> None:
        nonlocal problem
        if tensor.alternatives:
            problem = problem or "part of the graph depends on a condition kerascheck cannot evaluate"
            for alternative in tensor.alternatives:
                visit(alternative)
            return
        node = tensor.producer
        if node is None:
            if id(tensor) not in input_ids:
                problem = problem or tensor.unfollowed or "part of the graph comes from code kerascheck cannot follow"
            return
        if id(node) in finished:
            return
        if not node.is_input and id(tensor) in input_ids:
            finished.add(id(node))
            return
        if id(node) in in_progress:
            return
        if node.operation not in indices:
            indices[node.operation] = len(indices)
        in_progress.add(id(node))
        if not node.is_input:
            for parent in node.inputs:
                visit(parent)
        finished.add(id(node))
        in_progress.discard(id(node))
        ordered.append(node)

    for output in model.outputs:
        visit(output)
    return ordered, indices, problem


def functional_rows(model: Model) -> list[Row]:
    """The summary rows of a Functional model, in Keras 3's order."""
    nodes, indices, problem = traverse(model)
    if problem and not model.uncertain:
        model.uncertain = problem
    if not model.uncertain:
        refuse_disconnected(model)
    in_graph = {id(n) for n in nodes}
    node_depth: dict[int, int] = {}
    op_depth: dict[Operation, int] = {}
    for node in reversed(nodes):
        depth = node_depth.setdefault(id(node), 0)
        depth = max(depth, op_depth.get(node.operation, 0))
        op_depth[node.operation] = depth
        node_depth[id(node)] = depth
        for parent in node.inputs:
            for producer in _producers(parent):
                if id(producer) in in_graph:
                    node_depth[id(producer)] = max(depth + 1, node_depth.get(id(producer), 0))
    ordered_ops = sorted(op_depth, key=lambda op: (-op_depth[op], indices[op]))
    last_output: dict[Operation, Node] = {}
    for node in nodes:
        last_output[node.operation] = node
    rows = []
    for op in ordered_ops:
        if isinstance(op, Layer) and op.is_input:
            continue
        node = last_output[op]
        shapes = [t.shape for t in node.outputs]
        rows.append(Row(op, shapes[0] if len(shapes) == 1 else shapes))
    return rows


def refuse_disconnected(model: Model) -> None:
    """Keras refuses a Functional model with an output its inputs do not compute:
    one that depends on an ``Input`` not among them (KC109)."""
    given = {id(t) for t in model.inputs}
    for index, output in enumerate(model.outputs):
        missing = _inputs_reached(output, given)
        if not missing:
            continue
        which = "its output" if len(model.outputs) == 1 else f"its output {index}"
        if output.producer is not None and not output.producer.is_input:
            which += f" ({output.producer.operation.name})"
        names = ", ".join(dict.fromkeys(layer.name for layer in missing))
        message = f"{which} is not connected to its inputs: it depends on {names}, not one of them"
        model.problems.append(Problem("KC109", message, model.source))
        model.unknown_reason = model.unknown_reason or f"Keras refuses to build it: {message}"


def _inputs_reached(output: Tensor, given: set[int]) -> list[Operation]:
    """The input layers outside ``given`` (tensor ids) that ``output`` is computed from."""
    found, seen, stack = [], set(), [output]
    while stack:
        tensor = stack.pop()
        node = tensor.producer
        if id(tensor) in given or node is None or id(node) in seen:
            continue
        seen.add(id(node))
        if node.is_input:
            found.append(node.operation)
        else:
            stack.extend(reversed(node.inputs))
    return found


def _producers(tensor: Tensor) -> list[Node]:
    if tensor.alternatives:
        return [n for t in tensor.alternatives for n in _producers(t)]
    return [tensor.producer] if tensor.producer is not None else []


# -------------------------------------------------------------- subclassed
def subclassed_rows(model: Model) -> list[Row]:
    """A subclassed model's rows: ``model.layers`` (the layers its attributes hold),
    each with the output shape of its calls once call() has run on an input."""
    if not model.traced:
        model.unknown_reason = model.unknown_reason or (
            "the model is never called on an input of known shape "
            "(call it on keras.Input(shape=...), build() it, or give --input-shape)"
        )
        return [Row(op, Unknown("the model is not built"), built=_built_at_init(op)) for op in model.tracked]
    rows = []
    for op in model.tracked:
        if not op.nodes:
            reason = "call() never uses it" + ("" if _built_at_init(op) else ": Keras leaves it unbuilt")
            rows.append(Row(op, Unknown(reason), built=_built_at_init(op)))
            continue
        shapes = [_node_shape(node) for node in op.nodes]
        same = all(shape == shapes[0] for shape in shapes) and not any(is_unknown(s) for s in shapes)
        rows.append(Row(op, shapes[0] if same else Unknown("called on inputs of different shapes")))
    return rows


def _built_at_init(op: Operation) -> bool:
    """A layer Keras marks built when constructed (no weights): it counts 0 even unused."""
    return isinstance(op, Layer) and op.built_at_init


def _node_shape(node: Node) -> Any:
    shapes = [t.shape for t in node.outputs]
    return shapes[0] if len(shapes) == 1 else shapes


# ------------------------------------------------------------------ replay
def replay_model(model: Model, shapes: Any) -> Any:
    """The output shape(s) of a model called on inputs of ``shapes``."""
    if model.kind == "subclassed":
        return model.trace(shapes) if model.trace is not None else Unknown("the model's call() is not known")
    own = [t.shape for t in model.inputs]
    given = shapes if isinstance(shapes, list) else [shapes]
    outputs = [t.shape for t in model.outputs]
    if not model.outputs:
        return Unknown("the model's outputs are not known")
    if given == own:
        return outputs[0] if len(outputs) == 1 else outputs
    if len(given) != len(model.inputs):
        return Unknown("the model is called with a different number of inputs")
    known: dict[int, Any] = {id(t): s for t, s in zip(model.inputs, given)}
    nodes, _, problem = traverse(model)
    if problem:
        return Unknown(problem)
    for node in nodes:
        if node.is_input:
            continue
        first, named = node.arguments
        call = Call(_substitute(first, known), {k: _substitute(v, known) for k, v in named.items()})
        result = _shape_only(node.operation, call)
        results = result if isinstance(result, list) else [result]
        for tensor, shape in zip(node.outputs, results):
            known[id(tensor)] = shape
    replayed = [known.get(id(t), Unknown("not reached")) for t in model.outputs]
    return replayed[0] if len(replayed) == 1 else replayed


def _substitute(value: Any, known: dict[int, Any]) -> Any:
    if isinstance(value, Tensor):
        return known.get(id(value), value.shape)
    if isinstance(value, (list, tuple)):
        return [_substitute(v, known) for v in value]
    if isinstance(value, dict):
        return {k: _substitute(v, known) for k, v in value.items()}
    return value


def _shape_only(op: Operation, call: Call) -> Any:
    """An operation's output shape for ``call``, without building anything."""
    if isinstance(op, Model):
        return replay_model(op, call.inputs)
    if not isinstance(op, Layer) or op.type is None or is_unknown(call.inputs):
        return Unknown("cannot replay")
    try:
        return op.type.output_shape(op.config, call, Explain())
    except (Unresolved, Invalid, TypeError, ValueError, IndexError, KeyError, ZeroDivisionError) as exc:
        return Unknown(str(exc))
