"""Keras 2's helpers that model zoos and custom layers call (``conv_utils``,
``layer_utils``, ``get_file``), modelled in ``keras/internals.py``."""

from __future__ import annotations

import pytest

from helpers import only_model
from kerascheck.keras import internals
from kerascheck.unknown import is_unknown


def test_a_model_zoo_builder_with_keras_2_helpers_is_exact():
    model = only_model("""
        import keras
        from keras import backend as K
        from keras.utils import get_file
        from keras.utils import conv_utils
        from keras.utils.layer_utils import get_source_inputs
        from keras.layers import Input, Dense, Conv2D, Flatten

        def build(input_tensor=None):
            path = get_file("w.h5", "https://example.org/w.h5")
            kernel = conv_utils.normalize_tuple(3, 2, "kernel_size")
            img = Input((32, 32, 3)) if input_tensor is None else input_tensor
            axis = 3 if K.image_data_format() == "channels_last" else 1
            x = Conv2D(8, kernel)(img)
            channels = K.int_shape(x)[axis]
            x = Dense(channels * 2)(Flatten()(x))
            inputs = get_source_inputs(input_tensor) if input_tensor is not None else img
            model = keras.Model(inputs, x)
            model.load_weights(path)
            return model

        build()
    """)
    assert [row["params"] for row in model["layers"]] == [3 * 3 * 3 * 8 + 8, 0, 30 * 30 * 8 * 16 + 16]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ((32, 3, "valid", 1), 30),
        ((32, 3, "same", 2), 16),
        ((31, 3, "valid", 2), 15),
        ((10, 3, "full", 1), 12),
        ((10, 3, "causal", 1, 2), 10),
        ((10, 3, "valid", 1, 2), 6),  # dilation 2: a 5-wide filter
        ((None, 3, "valid", 1), None),
    ],
)
def test_conv_output_length_is_keras_2s(args, expected):
    assert internals.conv_output_length(*args) == expected


def test_helpers_of_unreadable_arguments_are_unknown():
    assert internals.normalize_tuple((3, 3), 2) == (3, 3)
    assert is_unknown(internals.normalize_tuple((3, 3, 3), 2, "kernel_size"))
    assert is_unknown(internals.conv_output_length(10, 3, "reflect", 1))
    assert internals.normalize_data_format(None, "channels_first") == "channels_first"


def test_keras_2_0_obtain_input_shape_takes_include_top():
    """Keras 2.0 named ``require_flatten`` ``include_top``."""
    kwargs = {"default_size": 224, "min_size": 197, "data_format": "channels_last", "include_top": True}
    assert internals.call("_obtain_input_shape", [None], kwargs, "channels_last") == (224, 224, 3)
    assert "include_top" in kwargs  # the caller's arguments are left as they were
