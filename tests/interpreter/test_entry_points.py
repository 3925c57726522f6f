"""Which functions are reported with their default arguments: the entry points."""

import libcst

from kerascheck.interpreter.engine import called_by_name
from kerascheck.rules import all_rules
from tests.helpers import analyze


def test_helper_called_by_another_function_is_not_an_entry_point():
    report = analyze(
        """
        from tensorflow import keras
        def Net(depth, name="net"):
            x = inp = keras.Input(shape=(4,))
            for _ in range(depth):
                x = keras.layers.Dense(3)(x)
            return keras.Model(inp, x, name=name)
        def Net2():
            return Net(2, name="net2")
        def Net3():
            return Net(3, name="net3")
        """
    )
    assert [(m["name"], m["context"]) for m in report["models"]] == [
        ("net2", "Net2() with its default arguments"),
        ("net3", "Net3() with its default arguments"),
    ]


def test_each_entry_point_runs_in_a_fresh_session():
    report = analyze(
        """
        from tensorflow import keras
        def a():
            return keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])
        def b():
            return keras.Sequential([keras.Input((4,)), keras.layers.Dense(3)])
        """
    )
    assert [(m["name"], m["layers"][0]["name"]) for m in report["models"]] == [("sequential", "dense")] * 2


def test_entry_points_run_in_definition_order_after_an_unknown_condition():
    report = analyze(
        """
        import os
        from tensorflow import keras
        def first():
            return keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)], name="first")
        def second():
            return keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)], name="second")
        def third():
            return keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)], name="third")
        if os.environ.get("DOC"):
            third.__doc__ = "x"
        """
    )
    assert [m["name"] for m in report["models"]] == ["first", "second", "third"]


def test_a_recursive_builder_is_still_an_entry_point():
    report = analyze(
        """
        from tensorflow import keras
        def build(n=2):
            if n == 0:
                return keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
            return build(n - 1)
        """
    )
    assert [m["context"] for m in report["models"]] == ["build() with its default arguments"]


BUILDER_CLASS = """
import keras
class Suite:
    def __init__(self):
        self.width = 16
        self.features = (8,)
    def _build(self):
        return keras.Sequential([keras.Input(shape=self.features), keras.layers.Dense(self.width)])
    def run(self, repeats=2):
        for _ in range(repeats):
            model = self._build()
        return model
"""


def test_methods_of_a_class_nothing_instantiates_are_entry_points():
    models = analyze(BUILDER_CLASS)["models"]
    # run() calls _build() twice; _build is its helper, not an entry point of its own
    assert [(m["total_params"], m["context"]) for m in models] == [
        (144, "Suite().run() with its default arguments"),
        (144, "Suite().run() with its default arguments"),
    ]


def test_a_class_the_file_instantiates_runs_only_what_the_file_calls():
    assert analyze(BUILDER_CLASS + "suite = Suite()\n")["models"] == []


def test_an_init_that_needs_arguments_leaves_the_attributes_unknown():
    source = BUILDER_CLASS.replace("def __init__(self):", "def __init__(self, width):")
    models = analyze(source)["models"]
    assert len(models) == 2 and all(m["total_params"] is None for m in models)


def test_keras_layer_and_model_classes_are_not_builders():
    source = """
    import keras
    class Block(keras.layers.Layer):
        def make(self):
            return keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])
    class Net(keras.Model):
        def make(self):
            return keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])
    """
    assert analyze(source)["models"] == []


def test_a_function_wrapped_by_a_decorator_is_an_entry_point_through_its_wrapper(tmp_path):
    """A project decorator returning ``functools.wraps`` wrappers (a model registry)."""
    source = """
    import functools, sys
    import keras
    REGISTRY = []
    def register(fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            return fn(*args, **kwargs)
        module = sys.modules[fn.__module__]
        for entry in REGISTRY:
            if entry["name"] == fn.__name__:
                return wrapper
        REGISTRY.append({"name": fn.__name__, "module": module})
        return wrapper
    @register
    def small(width=4):
        return keras.Sequential([keras.Input((3,)), keras.layers.Dense(width)], name="small")
    @register
    def large(width=8):
        return keras.Sequential([keras.Input((3,)), keras.layers.Dense(width)], name="large")
    """
    assert [(m["name"], m["total_params"], m["context"]) for m in analyze(source)["models"]] == [
        ("small", 16, "small() with its default arguments"),
        ("large", 32, "large() with its default arguments"),
    ]


def test_a_parametrized_test_function_runs_once_per_case():
    source = """
    import pytest
    import keras
    def mlp(width):
        return keras.Sequential([keras.Input((3,)), keras.layers.Dense(width)])
    @pytest.mark.unit
    @pytest.mark.parametrize("builder, width", [(mlp, 2), (mlp, 4)])
    def test_widths(builder, width, tmp_path):
        model = builder(width)
    """
    assert [(m["total_params"], m["context"]) for m in analyze(source)["models"]] == [
        (8, "test_widths((builder, width)=(mlp, 2)) from pytest.mark.parametrize"),
        (16, "test_widths((builder, width)=(mlp, 4)) from pytest.mark.parametrize"),
    ]


def test_a_builder_without_an_input_shape_is_checked_for_what_needs_none():
    report = analyze(
        """
        from tensorflow import keras
        from tensorflow.keras import layers
        def UNet(input_shape, classes=3):
            inputs = keras.Input(shape=input_shape)
            x = layers.Conv2D(16, 3, strides=2)(inputs)
            x = layers.Flatten()(x)
            outputs = layers.Dense(classes, activation="softmax")(x)
            model = keras.Model(inputs, outputs)
            model.compile(optimizer="adam", loss="binary_crossentropy")
            return model
        def Regressor(input_shape):
            inputs = keras.Input(shape=input_shape)
            x = layers.Dropout(1.5)(inputs)
            return keras.Model(inputs, layers.Dense(1)(x))
        """,
        rules=tuple(all_rules().values()),
    )
    # the head clashes with the loss, and Keras refuses the rate when it constructs
    # the layer, whatever the input; the strided convolution's dropped rows need its size
    found = {(d["code"], d["line"]): d["message"] for d in report["diagnostics"]}
    assert sorted(found) == [("KC107", 14), ("KC210", 8)]
    assert "rate must be between 0 and 1, got 1.5" in found["KC107", 14]


CALLERS = """\
import pytest

def build(n=2):
    return build(n - 1) if n else None  # only itself

def helper():
    return 1

def train():
    return helper()  # helper is called by name

def cases():
    return [1, 2]

@pytest.mark.parametrize("x", cases())
def test_x(x):
    return x

def named_in_text():
    '''named_in_text is named again here only'''
"""


def test_functions_called_by_name_are_the_same_with_or_without_a_look_at_the_text():
    module = libcst.parse_module(CALLERS)
    names = {s.name.value for s in module.body if isinstance(s, libcst.FunctionDef)}
    walked = called_by_name(module, names)
    assert walked == {"helper", "cases"}
    assert called_by_name(module, names, CALLERS) == walked
    assert called_by_name(module, {"build", "train", "named_in_text"}, CALLERS) == set()
