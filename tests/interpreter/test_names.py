"""Names are Keras's or unknown, never wrong: f-strings, unknown names."""

from tests.helpers import only_model


def test_f_string_with_format_spec_and_conversion():
    model = only_model(
        """
        from tensorflow import keras
        alpha, rows, width = 1.0, 224, 3
        x = inp = keras.Input(shape=(4,))
        x = keras.layers.Dense(2, name=f"d_{width:>{width}}_{'a'!r}")(x)
        model = keras.Model(inp, x, name=f"mobilenet_{alpha:0.2f}_{rows}")
        """
    )
    assert model["name"] == "mobilenet_1.00_224"
    assert model["layers"][0]["name"] == "d_  3_'a'"


def test_unknown_name_is_unknown_and_so_are_the_auto_names_it_may_shift():
    model = only_model(
        """
        import os
        from tensorflow import keras
        x = inp = keras.Input(shape=(4,))
        x = keras.layers.Dense(2, name=os.environ.get("NAME"))(x)
        x = keras.layers.Dense(2)(x)
        x = keras.layers.Dropout(0.1)(x)
        model = keras.Model(inp, x, name=f"net_{os.environ['N']:0.2f}")
        """
    )
    assert model["name"] == "?"
    assert [layer["name"] for layer in model["layers"]] == ["?", "?", "dropout"]


def test_percent_formatting():
    model = only_model(
        """
        from tensorflow import keras
        block_id = 3
        x = inp = keras.Input(shape=(4,))
        x = keras.layers.Dense(2, name="conv_pad_%d" % block_id)(x)
        x = keras.layers.Dense(2, name="%s_%02d" % ("block", 7))(x)
        x = keras.layers.Dense(2, name="%(a)s" % {"a": "mapped"})(x)
        x = keras.layers.Dense(2, name="%09999d" % 1)(x)
        model = keras.Model(inp, x)
        """
    )
    assert [layer["name"] for layer in model["layers"]] == ["conv_pad_3", "block_07", "mapped", "?"]
