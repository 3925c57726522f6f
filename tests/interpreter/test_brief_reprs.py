"""The abstract objects that hold others (``kerascheck.brief``) show their kind
and name only: a message that names one stays short whatever the graph, the
instance or the function behind it."""

from __future__ import annotations

import textwrap

from helpers import analyze
from kerascheck.graph import Layer, Node, Tensor
from kerascheck.interpreter.values import Class, Instance


def test_a_tensor_reached_by_many_paths_prints_short():
    add = Layer("add", "Add", None)
    tensor = Tensor((None, 4))
    for _ in range(60):  # each step adds the tensor to itself: 2**60 paths back to the input
        node = Node(add, [tensor, tensor], [])
        tensor = Tensor((None, 4), node)
        node.outputs.append(tensor)
    assert repr(tensor) == "<Tensor>"
    assert repr(add) == "<Layer add>"
    assert repr(tensor.producer) == "<Node>"


def test_an_instance_holding_itself_many_times_prints_short():
    cls = Class("Block", None, [], {})  # type: ignore[arg-type]
    block = Instance(cls)
    for i in range(60):
        block = Instance(cls, {"left": block, "right": block})
    assert repr(block) == "<Instance>"
    assert repr(cls) == "<Class Block>"


def test_a_layer_asked_by_a_deep_tensor_is_unknown_and_the_model_exact():
    source = """\
        import keras
        inp = x = keras.Input((4,))
        for i in range(60):
            x = keras.layers.Add()([x, x])
        model = keras.Model(inp, x)
        layer = model.get_layer(x)
        other = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])
    """
    file = analyze(textwrap.dedent(source))
    assert [d["code"] for d in file["diagnostics"]] == []
    first, second = file["models"]
    assert first["total_params"] == 0 and len(first["layers"]) == 60
    assert second["total_params"] == 10
