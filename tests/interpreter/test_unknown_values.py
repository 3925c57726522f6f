"""Unknown, never wrong: what cannot be determined statically is reported as unknown."""

from tests.helpers import analyze, only_model


def test_unknown_condition_around_a_layer_makes_totals_unknown():
    model = only_model(
        """
        import sys
        from tensorflow import keras
        x = inp = keras.Input(shape=(8,))
        if len(sys.argv) > 2:
            x = keras.layers.Dense(4)(x)
        out = keras.layers.Dense(2)(x)
        model = keras.Model(inp, out)
        """
    )
    assert model["total_params"] is None
    assert model["layers"][-1]["params"] is None


def test_known_condition_takes_one_branch():
    known = only_model(
        """
        from tensorflow import keras
        DEEP = False
        model = keras.Sequential([keras.layers.Dense(4, input_shape=(8,))])
        if DEEP:
            model.add(keras.layers.Dense(4))
        model.add(keras.layers.Dense(2))
        """
    )
    literal = only_model(
        """
        from tensorflow import keras
        model = keras.Sequential([keras.layers.Dense(4, input_shape=(8,)), keras.layers.Dense(2)])
        """
    )
    without_lines = lambda layers: [{k: v for k, v in l.items() if k != "line"} for l in layers]  # noqa: E731
    assert without_lines(known["layers"]) == without_lines(literal["layers"])


def test_layer_added_under_unknown_condition_in_sequential():
    model = only_model(
        """
        import random
        from keras.models import Sequential
        from keras.layers import Dense
        model = Sequential()
        model.add(Dense(4, input_shape=(8,)))
        if random.random() > 0.5:
            model.add(Dense(4))
        """
    )
    assert model["total_params"] is None


def test_custom_layer_is_an_unknown_row_and_says_so(capsys):
    from kerascheck.cli import main

    import tempfile, pathlib, textwrap

    source = textwrap.dedent(
        """
        from tensorflow import keras
        from mylib import FancyLayer
        inp = keras.Input(shape=(8,))
        x = FancyLayer(16)(inp)
        model = keras.Model(inp, keras.layers.Dense(2)(x))
        """
    )
    with tempfile.TemporaryDirectory() as tmp:
        path = pathlib.Path(tmp, "m.py")
        path.write_text(source)
        assert main(["summary", str(path)]) == 0
    out = capsys.readouterr().out
    assert "fancy_layer (FancyLayer)" in out
    assert "Totals unknown: fancy_layer (FancyLayer)" in out


def test_parameter_without_default_is_unknown():
    model = only_model(
        """
        from tensorflow import keras
        def build(units, n_in=8):
            return keras.Sequential([keras.layers.Dense(units, input_shape=(n_in,))])
        """
    )
    layer = model["layers"][0]
    assert layer["output_shape"] == [None, "?"]
    assert layer["params"] is None and model["total_params"] is None


def test_builder_called_in_file_is_reported_per_call_not_with_defaults():
    report = analyze(
        """
        from tensorflow import keras
        def build(units=3):
            return keras.Sequential([keras.layers.Dense(units, input_shape=(4,))])
        a = build(5)
        b = build(units=7)
        """
    )
    shapes = [m["layers"][0]["output_shape"] for m in report["models"]]
    assert shapes == [[None, 5], [None, 7]]
    assert [m["context"] for m in report["models"]] == ["build(5) at line 5", "build(units=7) at line 6"]


def test_never_called_builder_is_reported_once_with_defaults():
    report = analyze(
        """
        from tensorflow import keras
        def build(units=3):
            return keras.Sequential([keras.layers.Dense(units, input_shape=(4,))])
        """
    )
    assert [m["layers"][0]["output_shape"] for m in report["models"]] == [[None, 3]]
    assert report["models"][0]["context"] == "build() with its default arguments"


def test_list_mutated_under_unknown_condition_is_unknown():
    model = only_model(
        """
        import os
        from tensorflow import keras
        sizes = [4]
        if os.environ.get("BIG"):
            sizes.append(8)
        model = keras.Sequential([keras.layers.Input(shape=(3,))])
        for s in sizes:
            model.add(keras.layers.Dense(s))
        """
    )
    assert model["total_params"] is None


def test_data_derived_input_shape_is_unknown():
    model = only_model(
        """
        import numpy as np
        from tensorflow import keras
        x_train = np.load("data.npy")
        model = keras.Sequential([keras.layers.Dense(4, input_shape=x_train.shape[1:])])
        """
    )
    assert model["layers"][0]["params"] is None


def test_identity_test_on_a_tensor_is_not_an_operation():
    model = only_model(
        """
        import keras
        def head(x, extra=None):
            if extra is not None:
                x = keras.layers.Dense(4)(x)
            if x is None:
                x = keras.layers.Dense(5)(x)
            return keras.layers.Dense(2)(x)
        inp = keras.Input((3,))
        model = keras.Model(inp, head(inp))
        """
    )
    assert [layer["class"] for layer in model["layers"]] == ["Dense"]
    assert model["layers"][0]["output_shape"] == [None, 2]


def test_break_under_unknown_condition_makes_the_loop_unknown_not_endless():
    report = analyze(
        """
        import os
        from tensorflow import keras
        depth = 0
        while True:
            depth += 1
            if os.environ.get("STOP"):
                break
        model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(depth)])
        """
    )
    assert report["diagnostics"] == []
    assert report["models"][0]["layers"][0]["output_shape"] == [None, "?"]


def test_a_layer_given_kwargs_of_unknown_content_is_unknown():
    report = analyze(
        """
        import os
        import keras
        from keras import layers
        options = dict(os.environ)
        x = keras.Input((8, 8, 1))
        y = layers.Conv2D(4, 3, **options)(x)
        model = keras.Model(x, layers.Dense(2)(layers.Flatten()(y)))
        """
    )
    conv = report["models"][0]["layers"][0]
    assert conv["class"] == "Conv2D" and conv["name"] == "?"  # padding, strides or name may be in options
    assert conv["output_shape"] is None and conv["params"] is None
    assert report["models"][0]["total_params"] is None


def test_appending_an_item_of_unknown_content_keeps_the_list_and_its_length():
    model = only_model(
        """
        import sys
        import keras
        widths = [4]
        widths.append(int(sys.argv[1]))
        layers = [keras.Input((3,))] + [keras.layers.Dense(8) for _ in widths]
        model = keras.Sequential(layers)
        """
    )
    assert model["total_params"] == 32 + 72


def test_a_value_returned_under_a_condition_and_after_it_is_kept_when_they_agree():
    model = only_model(
        """
        import sys
        import keras
        def pick(options):
            for option in options:
                if option == sys.argv[1]:
                    return 16
            return 16
        model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(pick(sys.argv))])
        """
    )
    assert model["total_params"] == 64


def test_an_unknown_data_format_is_unknown_not_an_internal_error():
    model = only_model(
        """
        import sys
        import keras
        model = keras.Sequential([keras.Input((8, 8, 3)), keras.layers.Conv2D(4, 3, data_format=sys.argv[1])])
        """
    )
    assert model["total_params"] is None


def test_globals_looks_up_the_modules_variables():
    model = only_model(
        """
        import keras
        def wide(x):
            return keras.layers.Dense(8)(x)
        CONFIG = {"block": "wide"}
        inputs = keras.Input((4,))
        model = keras.Model(inputs, globals()[CONFIG["block"]](inputs))
        """
    )
    assert model["total_params"] == 40


def test_a_loop_over_a_set_of_strings_has_no_order_and_is_unknown():
    """Python orders a set of strings by a hash seeded per process: the report must
    not depend on it (a loop calling set_image_dim_ordering over {'th', 'tf'})."""
    model = only_model(
        """
        import keras
        widths = []
        for ordering in {"th", "tf"}:
            widths.append(2 if ordering == "th" else 3)
        model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(widths[-1])])
        """
    )
    assert model["total_params"] is None
    numbers = only_model(
        """
        import keras
        model = keras.Sequential([keras.Input((4,))] + [keras.layers.Dense(w) for w in sorted({3, 2})])
        """
    )
    assert numbers["total_params"] == 10 + 9


def test_private_shape_spellings_of_keras_2_and_tensorflow_are_the_shape():
    model = only_model(
        """
        import keras
        inputs = keras.Input((8,))
        width = getattr(inputs, "_shape_val")[-1] + inputs._keras_shape[-1]
        model = keras.Model(inputs, keras.layers.Dense(width)(inputs))
        """
    )
    assert model["total_params"] == 8 * 16 + 16


def test_a_functions_name_and_module_are_known():
    model = only_model(
        """
        import keras
        def bottleneck(x):
            return keras.layers.Dense(4)(x)
        options = {}
        if hasattr(bottleneck, "__module__") and "resnext" in bottleneck.__module__:
            options["groups"] = 32
        width = 8 if bottleneck.__name__ == "bottleneck" else 2
        inputs = keras.Input((3,))
        model = keras.Model(inputs, keras.layers.Dense(width + len(options))(bottleneck(inputs)))
        """
    )
    assert model["total_params"] == 16 + 40


def test_a_class_decorator_of_the_source_is_applied():
    """A registry filled by ``@register(...)`` at class definition, read back by name
    (the class's ``__name__``), as model zoos look their backbones up."""
    model = analyze(
        """
        import keras
        class Registry:
            def __init__(self):
                self.entries = {}
            def register(self, family=None):
                def decorator(cls):
                    self.entries[cls.__name__.lower()] = {"class": cls, "family": family}
                    return cls
                return decorator
        registry = Registry()
        @keras.saving.register_keras_serializable(package="zoo")
        @registry.register(family="dense")
        class Tower(keras.Model):
            def __init__(self, *, width, **kwargs):
                inputs = keras.Input((4,))
                super().__init__(inputs, keras.layers.Dense(width)(inputs), **kwargs)
                self.features = inputs
        tower = registry.entries["tower"]["class"](width=3)
        if not hasattr(tower, "features"):
            raise AttributeError("a tower without features")
        model = keras.Model(tower.input, keras.layers.Dense(2)(tower.output))
        """
    )["models"][-1]
    assert [row["params"] for row in model["layers"]] == [4 * 3 + 3, 3 * 2 + 2]


def test_sorted_with_a_key_calls_it_and_ties_in_a_set_are_unknown():
    def model_of(widths: str) -> dict:
        return only_model(f"import keras\nm = keras.Sequential([keras.Input((4,))] + [keras.layers.Dense(w) for w in {widths}])\n")

    keys = "sorted({'P1', 'P3', 'P2'}, key=lambda k: int(k[1:]), reverse=True)"
    assert [row["output_shape"][-1] for row in model_of(f"[int(k[1:]) for k in {keys}]")["layers"]] == [3, 2, 1]
    tie = "sorted({'ab', 'cd'}, key=len)"  # which comes first depends on the set's hash order
    assert model_of(f"[2 + (k == 'ab') for k in {tie}]")["total_params"] is None


def test_every_spelling_of_the_keras_package_is_keras():
    for spelling in ("keras", "tensorflow.keras", "tf_keras", "keras_core"):
        model = only_model(f"import {spelling} as K\ni = K.Input((4,))\nm = K.Model(i, K.layers.Dense(2)(i))\n")
        assert model["total_params"] == 10, spelling


def test_keras_ops_ceil_and_floor_of_numbers_are_computed():
    model = only_model(
        """
        import keras
        blocks = int(keras.ops.ceil(3 * 1.4)) + int(keras.ops.floor(2.5))
        model = keras.Sequential([keras.Input((2,))] + [keras.layers.Dense(2) for _ in range(blocks)])
        """
    )
    assert model["total_params"] == 6 + 6 * 6


def test_tensorflow_1_dimension_value_is_the_size():
    """TF 1's ``x.shape[-1].value`` (a Dimension's int) is the size; other ``.value`` stay unknown."""
    model = only_model(
        """
        import tensorflow as tf
        x = inp = tf.keras.Input((8, 8, 3))
        channels = inp.shape[-1].value
        x = tf.keras.layers.Conv2D(6 * channels, 1)(x)
        y = tf.keras.layers.Dense(True.value)(x)
        model = tf.keras.Model(inp, y)
        """
    )
    assert [l["output_shape"] for l in model["layers"]] == [[None, 8, 8, 18], [None, 8, 8, "?"]]


def test_keras_2_obtain_input_shape_and_python_2_xrange():
    """keras_applications' private _obtain_input_shape is Keras 3's obtain_input_shape
    (shared/repros/corpus2/r07); Python 2's xrange in a Keras 1/2 era file is range."""
    model = only_model(
        """
        from keras.layers import Input, Conv2D, Flatten, Dense
        from keras.models import Model
        from keras_applications.imagenet_utils import _obtain_input_shape
        from keras import backend as K
        def Tiny(include_top=True, input_shape=None, classes=5):
            input_shape = _obtain_input_shape(input_shape, default_size=32, min_size=16,
                                              data_format=K.image_data_format(), require_flatten=include_top)
            x = img_input = Input(shape=input_shape)
            for _ in xrange(2):
                x = Conv2D(4, (3, 3), padding='same')(x)
            return Model(img_input, Dense(classes)(Flatten()(x)), name='tiny')
        """
    )
    assert model["total_params"] == 112 + 148 + (32 * 32 * 4 * 5 + 5)


def test_isinstance_of_the_sources_classes():
    """``isinstance(spec, DenseSpec)`` on instances of the file's classes (``class
    A(object)`` has Python's implicit base): known, unless a base is not."""
    model = only_model(
        """
        import keras
        from somewhere import make_base

        class Spec(object):
            def __init__(self, width):
                self.width = width

        class DenseSpec(Spec):
            pass

        class ConvSpec(Spec):
            pass

        class Foreign(make_base()):
            pass

        specs = [DenseSpec(8), ConvSpec(4), DenseSpec(2)]
        x = inp = keras.Input((3,))
        for spec in specs:
            if isinstance(spec, DenseSpec):
                x = keras.layers.Dense(spec.width)(x)
        n = 5 if isinstance(Foreign(), Spec) else 6
        y = keras.layers.Dense(n if isinstance(3, Spec) else 7)(x)
        z = keras.layers.Dense(len(specs) if isinstance(specs[1], (DenseSpec, ConvSpec)) else 1)(y)
        model = keras.Model(inp, keras.layers.Dense(n)(z))
        """
    )
    assert [l["output_shape"] for l in model["layers"]] == [[None, 8], [None, 2], [None, 7], [None, 3], [None, "?"]]
