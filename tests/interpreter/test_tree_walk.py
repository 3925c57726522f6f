"""Literals evaluated once per node (the walk itself: ``test_walk.py``)."""

from __future__ import annotations

from helpers import only_model


def test_a_literal_in_a_loop_keeps_its_value():
    model = only_model(
        """
        import keras
        m = keras.Sequential([keras.Input((8,))])
        for i in range(3):
            m.add(keras.layers.Dense(4 + 0x1 + len('ab' 'c'), name=f'd{i}' + '_x'))
        """
    )
    assert [(layer["name"], layer["output_shape"]) for layer in model["layers"]] == [
        ("d0_x", [None, 8]), ("d1_x", [None, 8]), ("d2_x", [None, 8])
    ]
