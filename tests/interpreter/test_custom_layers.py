"""Custom Layer subclasses and subclasses of concrete layers (``class MyDense(Dense)``):
what kerascheck cannot follow stays unknown, never wrong.

(What it follows is checked against real Keras by the fixtures
``constructs/custom_layers.py``, ``constructs/custom_layer_rbf.py`` and
``constructs/concrete_layer_subclasses.py``; the facts about Keras's classes
custom_layers relies on are checked at the end.)"""

import textwrap

from tests.helpers import analyze, only_model

HEADER = """
import os
import keras
from keras import layers
"""


def model_with(layer_class: str, call: str = "Custom()(inputs)") -> dict:
    return only_model(
        HEADER
        + layer_class
        + f"""
inputs = keras.Input((4,))
x = {call}
x = layers.Dense(3)(x)
model = keras.Model(inputs, x)
"""
    )


def test_a_weight_added_under_an_unknown_condition_is_unknown():
    model = model_with(
        """
class Custom(layers.Layer):
    def build(self, shape):
        if os.environ.get("BIAS"):
            self.b = self.add_weight(shape=(shape[-1],))
    def call(self, x):
        return x
"""
    )
    assert model["layers"][0]["params"] is None
    assert model["layers"][0]["output_shape"] == [None, 4]
    assert model["total_params"] is None


def test_a_weight_of_unknown_shape_is_unknown():
    model = model_with(
        """
class Custom(layers.Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.w = self.add_weight(shape=(int(os.environ["N"]),))
    def call(self, x):
        return x
"""
    )
    assert model["layers"][0]["params"] is None


def test_an_init_that_does_not_call_super_init_is_unknown():
    model = model_with(
        """
class Custom(layers.Layer):
    def __init__(self):
        self.k = 2
    def call(self, x):
        return x
"""
    )
    assert model["layers"][0]["output_shape"] is None


def test_names_after_a_layer_made_inside_call_are_unknown():
    model = model_with(
        """
class Custom(layers.Layer):
    def call(self, x):
        return layers.Dense(4)(x)
""",
    )
    assert [layer["name"] for layer in model["layers"]] == ["custom", "?"]
    assert model["layers"][1]["params"] == 15


def test_a_call_kerascheck_cannot_follow_is_unknown():
    model = model_with(
        """
class Custom(layers.Layer):
    def call(self, x):
        return some_library.transform(x)
"""
    )
    assert model["layers"][0]["output_shape"] is None
    assert model["layers"][1]["params"] is None


def test_a_name_given_by_an_unknown_value_is_unknown():
    model = model_with(
        """
class Custom(layers.Layer):
    def __init__(self, **kwargs):
        super().__init__(name=os.environ.get("NAME"), **kwargs)
    def call(self, x):
        return x
"""
    )
    assert model["layers"][0]["name"] == "?"


# ------------------------------------------------------------------ subclasses of a concrete layer
# (checked against Keras by the fixture constructs/concrete_layer_subclasses.py)


def test_a_subclass_of_dense_is_named_after_its_class_and_counts_as_the_base():
    model = model_with(
        """
class MyDense(layers.Dense):
    def __init__(self, units, **kwargs):
        super().__init__(units, activation="relu", **kwargs)
""",
        call="MyDense(5)(MyDense(6)(inputs))",
    )
    rows = model["layers"]  # MyDense(5) is constructed first
    assert [(r["name"], r["class"]) for r in rows] == [("my_dense_1", "MyDense"), ("my_dense", "MyDense"), ("dense", "Dense")]
    assert [r["params"] for r in rows] == [30, 35, 18]
    assert rows[0]["output_shape"] == [None, 6]


def test_an_overridden_call_does_not_change_the_output_keras_computes():
    # Keras 3 takes the output from Dense.compute_output_shape and never runs call()
    model = model_with(
        """
class Pairs(layers.Dense):
    def call(self, inputs):
        return keras.ops.reshape(super().call(inputs), (-1, 2, 2))
""",
        call="Pairs(4)(inputs)",
    )
    assert model["layers"][0]["output_shape"] == [None, 4]
    assert model["layers"][0]["params"] == 20


def test_a_build_calling_super_build_adds_its_weights_to_the_base_ones():
    model = model_with(
        """
class Gated(layers.Dense):
    def build(self, input_shape):
        super().build(input_shape)
        self.gate = self.add_weight(shape=(self.units,), trainable=False)
""",
        call="Gated(3)(inputs)",
    )
    assert (model["layers"][0]["trainable_params"], model["layers"][0]["non_trainable_params"]) == (15, 3)


def test_overriding_dunder_call_is_unknown():
    model = model_with(
        """
class Clipped(layers.Dense):
    def __call__(self, *args, **kwargs):
        return keras.ops.clip(super().__call__(*args, **kwargs), -1.0, 1.0)
""",
        call="Clipped(3)(inputs)",
    )
    assert model["layers"][0]["output_shape"] is None
    assert model["layers"][0]["params"] is None
    assert model["total_params"] is None


def test_unknown_super_arguments_are_unknown():
    model = model_with(
        """
import json
OPTIONS = json.load(open("options.json"))

class Configured(layers.Conv1D):
    def __init__(self, filters, **kwargs):
        super().__init__(filters, 3, **OPTIONS, **kwargs)
""",
        call="layers.Flatten()(Configured(2)(layers.Reshape((4, 1))(inputs)))",
    )
    row = model["layers"][1]
    assert (row["name"], row["output_shape"], row["params"]) == ("?", None, None)


def test_unknown_arguments_given_to_the_subclass_are_unknown():
    model = model_with(
        """
class MyDense(layers.Dense):
    pass
settings = load_settings()
""",
        call="MyDense(3, **settings)(inputs)",
    )
    assert (model["layers"][0]["name"], model["layers"][0]["output_shape"]) == ("?", None)


def test_super_init_under_an_unknown_condition_is_unknown():
    model = model_with(
        """
class Sized(layers.Dense):
    def __init__(self, **kwargs):
        if os.environ.get("WIDE"):
            super().__init__(16, **kwargs)
        else:
            super().__init__(4, **kwargs)
""",
        call="Sized()(inputs)",
    )
    assert model["layers"][0]["output_shape"] is None
    assert model["layers"][0]["params"] is None


def test_a_subclass_whose_init_skips_super_init_is_unknown():
    model = model_with(
        """
class Broken(layers.Dense):
    def __init__(self, units):
        self.size = units
""",
        call="Broken(3)(inputs)",
    )
    assert model["layers"][0]["output_shape"] is None


def test_a_compute_output_shape_kerascheck_cannot_follow_is_unknown():
    model = model_with(
        """
class Odd(layers.Dense):
    def compute_output_shape(self, input_shape):
        return some_library.shape_for(input_shape)
""",
        call="Odd(3)(inputs)",
    )
    assert model["layers"][0]["output_shape"] is None
    assert model["layers"][0]["params"] == 15  # Dense's build ran on the input


def test_a_compute_output_spec_override_is_unknown():
    model = model_with(
        """
class Spec(layers.Dense):
    def compute_output_spec(self, inputs):
        return inputs
""",
        call="Spec(3)(inputs)",
    )
    assert model["layers"][0]["output_shape"] is None


def test_a_call_kerascheck_cannot_follow_leaves_the_sublayers_keras_builds_with_it_unknown():
    # Flatten's build is Keras's default: Keras traces call() to build the Dense
    model = model_with(
        """
class Projected(layers.Flatten):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.projection = layers.Dense(2)
    def call(self, x):
        return self.projection(some_library.transform(x))
""",
        call="Projected()(inputs)",
    )
    assert model["layers"][0]["output_shape"] == [None, 4]  # Flatten's compute_output_shape
    assert model["layers"][0]["params"] is None


def test_a_sublayer_keras_never_builds_is_unknown():
    model = model_with(
        """
class Normalized(layers.Dense):
    def __init__(self, units, **kwargs):
        super().__init__(units, **kwargs)
        self.norm = layers.LayerNormalization()
    def call(self, x):
        return self.norm(super().call(x))
""",
        call="Normalized(3)(inputs)",
    )
    assert model["layers"][0]["output_shape"] == [None, 3]
    assert model["layers"][0]["params"] is None


def test_super_build_for_another_shape_is_unknown():
    model = model_with(
        """
class Doubled(layers.Dense):
    def build(self, input_shape):
        super().build((input_shape[0], 2 * input_shape[-1]))
""",
        call="Doubled(3)(inputs)",
    )
    assert model["layers"][0]["params"] is None


def test_a_weight_added_to_a_layer_keras_builds_at_construction_is_unknown():
    # Keras rejects it: Dropout is built (and its state locked) in __init__
    model = model_with(
        """
class Noisy(layers.Dropout):
    def __init__(self, **kwargs):
        super().__init__(0.5, **kwargs)
        self.scale = self.add_weight(shape=(4,))
""",
        call="Noisy()(inputs)",
    )
    assert model["layers"][0]["params"] is None


def test_an_attention_subclass_whose_call_takes_more_inputs_is_unknown():
    model = model_with(
        """
class SelfAttention(layers.MultiHeadAttention):
    def call(self, query, value, **kwargs):
        return super().call(query, value, **kwargs)
""",
        call="SelfAttention(2, 4)(layers.Reshape((2, 2))(inputs), layers.Reshape((2, 2))(inputs))",
    )
    assert model["layers"][2]["output_shape"] is None


def test_subclasses_of_preprocessing_layers_and_unknown_bases_stay_unknown():
    model = model_with(
        """
from somewhere import Helper

class Flip(layers.RandomFlip):
    pass

class Helped(Helper, layers.Dense):
    pass
""",
        call="Helped(2)(Flip()(inputs))",
    )
    assert [r["output_shape"] for r in model["layers"][:2]] == [None, None]


def test_a_changed_mask_makes_the_model_unknown():
    model = only_model(
        HEADER
        + """
class Unmasked(layers.Dense):
    def compute_mask(self, inputs, mask=None):
        return None

tokens = keras.Input((5,))
x = layers.Embedding(10, 4, mask_zero=True)(tokens)
x = Unmasked(4)(x)
x = layers.LSTM(2)(x)
model = keras.Model(tokens, x)
"""
    )
    assert model["total_params"] is None


def test_a_mask_passes_through_a_subclass_as_through_its_base():
    model = only_model(
        HEADER
        + """
class MyDense(layers.Dense):
    pass

tokens = keras.Input((5,))
x = layers.Embedding(10, 4, mask_zero=True)(tokens)
x = MyDense(4)(x)
x = layers.LSTM(2)(x)
model = keras.Model(tokens, x)
"""
    )
    assert [r["class"] for r in model["layers"]] == ["Embedding", "MyDense", "NotEqual", "LSTM"]
    assert model["total_params"] == 40 + 20 + 56


def test_a_layer_subclass_mixing_in_a_concrete_layer_is_interpreted_as_that_layer():
    model = model_with(
        """
class Logged(layers.Layer):
    def describe(self):
        return self.name

class LoggedDense(Logged, layers.Dense):
    pass
""",
        call="LoggedDense(3)(inputs)",
    )
    assert (model["layers"][0]["output_shape"], model["layers"][0]["params"]) == ([None, 3], 15)


def test_an_attribute_the_base_reads_set_to_another_value_is_unknown():
    model = model_with(
        """
class DoubleWidth(layers.Dense):
    def __init__(self, units, **kwargs):
        super().__init__(units, **kwargs)
        self.units = 2 * units
""",
        call="DoubleWidth(3)(inputs)",
    )
    assert model["layers"][0]["output_shape"] is None
    assert model["layers"][0]["params"] is None


def test_an_attribute_holding_its_argument_changes_nothing():
    model = model_with(
        """
class Kept(layers.Dense):
    def __init__(self, units, **kwargs):
        self.units = units
        super().__init__(units, **kwargs)
        self.activation = keras.activations.get("relu")
""",
        call="Kept(3)(inputs)",
    )
    assert (model["layers"][0]["output_shape"], model["layers"][0]["params"]) == ([None, 3], 15)


def test_setting_built_is_unknown():
    model = model_with(
        """
class Prebuilt(layers.Dense):
    def __init__(self, units, **kwargs):
        super().__init__(units, **kwargs)
        self.built = True
""",
        call="Prebuilt(3)(inputs)",
    )
    assert model["layers"][0]["params"] is None


def legacy_build(build: str) -> dict:
    return model_with(
        f"""
class Legacy(layers.Dense):
    def build(self, input_shape):
        self.scale = self.add_weight(shape=(1,))
        {build}
""",
        call="Legacy(3)(inputs)",
    )


def test_a_base_build_called_in_a_way_kerascheck_does_not_follow_is_unknown():
    # Dense.build(self, ...) does build the base's weights
    assert legacy_build("layers.Dense.build(self, input_shape)")["layers"][0]["params"] is None


def test_python2_super_builds_the_base_like_super():
    two_arguments = legacy_build("super(Legacy, self).build(input_shape)")["layers"][0]
    no_arguments = legacy_build("super().build(input_shape)")["layers"][0]
    assert two_arguments["params"] is not None and two_arguments == no_arguments


def test_super_add_weight_counts():
    model = model_with(
        """
class Scaled(layers.Layer):
    def build(self, input_shape):
        self.scale = super().add_weight(shape=(input_shape[-1],))
    def call(self, x):
        return x * self.scale
""",
        call="Scaled()(inputs)",
    )
    assert (model["layers"][0]["output_shape"], model["layers"][0]["params"]) == ([None, 4], 4)


def test_a_variable_held_as_an_attribute_is_unknown():
    # Keras tracks a keras.Variable assigned to the layer: it counts
    for base, extra in (("layers.Layer", ""), ("layers.Dense", "super().build(input_shape)")):
        model = model_with(
            f"""
class Held({base}):
    def build(self, input_shape):
        {extra or "pass"}
        self.temperature = keras.Variable(1.0)
    def call(self, x):
        return x
""",
            call="Held(3)(inputs)" if "Dense" in base else "Held()(inputs)",
        )
        assert model["layers"][0]["params"] is None, base


# ------------------------------------------------------------------ self.trainable / self.name in methods
# (Keras's properties: checked by the fixture constructs/concrete_layer_subclasses.py)


def test_trainable_set_in_init_freezes_a_custom_layer():
    model = model_with(
        """
class Frozen(layers.Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.inner = layers.Dense(4)
        self.trainable = False
    def call(self, x):
        return self.inner(x)
""",
        call="Frozen()(inputs)",
    )
    row = model["layers"][0]
    assert (row["trainable_params"], row["non_trainable_params"]) == (0, 20)
    assert (model["trainable_params"], model["non_trainable_params"]) == (15, 20)


def test_trainable_set_in_init_freezes_a_concrete_subclass_and_name_renames_it():
    model = model_with(
        """
class Stem(layers.Dense):
    def __init__(self, units, **kwargs):
        super().__init__(units, **kwargs)
        self.trainable = False
        self.name = "stem"
""",
        call="Stem(4)(inputs)",
    )
    row = model["layers"][0]
    assert (row["name"], row["trainable_params"], row["non_trainable_params"]) == ("stem", 0, 20)


def test_layers_created_after_trainable_is_set_are_unknown():
    # Keras leaves their variables trainable: the model's totals count them so
    model = model_with(
        """
class Frozen(layers.Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.trainable = False
        self.inner = layers.Dense(4)
    def call(self, x):
        return self.inner(x)
""",
        call="Frozen()(inputs)",
    )
    assert model["layers"][0]["params"] is None
    assert model["total_params"] is None


# ------------------------------------------------------------------ facts about Keras's classes


def _keras_class(keras, name):
    return getattr(keras.layers, name, None)


def test_the_keras_facts_custom_layers_relies_on(keras):
    """The catalog's facts about subclassing each layer (``subclass_interpreted``...)."""
    import inspect

    from kerascheck import catalog

    Layer = keras.layers.Layer
    names = sorted({t.name for t in catalog.registry().values()})
    classes = {n: _keras_class(keras, n) for n in names if _keras_class(keras, n) is not None}

    def having(fact):
        return {n for n in names if getattr(catalog.lookup(n), fact)}

    uninterpreted = {n for n in names if not catalog.lookup(n).subclass_interpreted}

    def owner(cls, attribute):
        return next(c for c in cls.__mro__ if attribute in c.__dict__)

    def is_default(method):
        return getattr(method, "_is_default", False)

    # preprocessing layers run through DataLayer.__call__; cells and Lambda trace call()
    other_call = {n for n, c in classes.items() if owner(c, "__call__") is not Layer}
    traced = {n for n, c in classes.items() if is_default(c.compute_output_shape)} | {"Lambda"}
    assert other_call | traced == uninterpreted & set(classes)
    # Reshape sets built in __init__ itself
    sets_built = {
        n
        for n, c in classes.items()
        if any("self.built = True" in inspect.getsource(k.__init__) for k in c.__mro__ if "__init__" in k.__dict__ and k is not Layer and issubclass(k, Layer))
    }
    assert sets_built == having("built_in_init")
    # Keras's default build, not built at construction: call() is traced to build sublayers
    default_build = {n for n, c in classes.items() if is_default(c.build)}
    at_init = {n for n in names if catalog.lookup(n).built_at_init}
    assert default_build - at_init - uninterpreted == having("traced_to_build")
    # compute_output_spec of their own: Identity ignores compute_output_shape, attention
    # layers call it with several shapes, the others with the input's shape
    for name, cls in classes.items():
        spec = owner(cls, "compute_output_spec")
        if spec is Layer or name in uninterpreted:
            continue
        source = inspect.getsource(spec.compute_output_spec)
        if catalog.lookup(name).spec_ignores_shape:
            assert "compute_output_shape(" not in source, name
        elif not catalog.lookup(name).several_shapes:
            assert "self.compute_output_shape(inputs.shape)" in source or "[x.shape for x in inputs]" in source, name


def test_the_attributes_a_base_sets_from_its_arguments(keras):
    from kerascheck import catalog

    arguments = {"units": 3, "filters": 3, "use_bias": False, "input_dim": 7, "output_dim": 2, "rate": 0.25}
    arguments |= {"return_sequences": True, "return_state": True}
    types = {t.name: t for t in catalog.registry().values()}
    for name, attributes in ((n, t.config_attributes) for n, t in sorted(types.items()) if t.config_attributes):
        kwargs = {a: arguments[a] for a in attributes}
        if "filters" in kwargs:
            kwargs["kernel_size"] = 2
        layer = getattr(keras.layers, name)(**kwargs)
        for attribute in attributes:
            assert getattr(layer, attribute) == kwargs[attribute], (name, attribute)


LEGACY = """
from keras import backend as K
from keras import initializers
from keras.engine import InputSpec
from keras.layers import Input, Layer, Dense
from keras.models import Model
import os
"""


def legacy_layer(body: str, call: str = "Custom()(x)") -> dict:
    """The only layer of a Keras 1/2 model ``Input((4,))`` → ``call``, whose class has ``body``."""
    layer_class = "class Custom(Layer):\n" + textwrap.indent(textwrap.dedent(body), "    ")
    model = only_model(LEGACY + layer_class + f"x = Input((4,))\nmodel = Model(x, {call})\n")
    return model["layers"][0]


def counts(row: dict) -> tuple:
    return row["trainable_params"], row["non_trainable_params"]


def test_the_backend_variables_a_layer_lists_in_its_weight_lists_are_its_weights():
    """Keras 1/2's ``self.trainable_weights = [K.variable(...)]``: Keras 3 refuses
    the assignment, Keras 1/2 counted the variables listed (legacy intent)."""
    row = legacy_layer(
        """
        def build(self, input_shape):
            init = initializers.get('one')
            self.gamma = K.variable(init((input_shape[-1],)), name='gamma')
            self.beta = K.zeros((input_shape[-1],))
            self.kernel = init((input_shape[-1], 2))
            self.mean = K.ones(input_shape[-1])
            self.trainable_weights = [self.gamma, self.beta, self.kernel]
            self.non_trainable_weights = [self.mean]
        def call(self, x):
            return x * self.gamma + self.beta
        """
    )
    assert row["output_shape"] == [None, 4] and counts(row) == (16, 4)


def test_listed_weights_replace_those_of_their_kind_add_weight_made_before():
    """Keras 2's setter replaced the list add_weight appended to; a weight added
    later joins the list; a frozen layer's listed weights are non-trainable."""
    row = legacy_layer(
        """
        def build(self, input_shape):
            self.a = self.add_weight(shape=(3,))
            self.b = self.add_weight(shape=(5,), trainable=False)
            self.trainable_weights = [self.a, K.zeros((7,))]
            self.c = self.add_weight(shape=(11,))
        def call(self, x):
            return x
        """,
        call="Custom(trainable=False)(x)",
    )
    assert counts(row) == (0, 3 + 7 + 5 + 11)


def test_a_weight_list_kerascheck_cannot_follow_is_unknown():
    bodies = {
        "set under an unknown condition": "if os.environ.get('W'):\n    self.trainable_weights = [K.zeros((3,))]",
        "grown under an unknown condition": "self.trainable_weights = []\nif os.environ.get('W'):\n    self.trainable_weights.append(K.zeros((3,)))",
        "a variable of unknown shape": "self.trainable_weights = [K.zeros((int(os.environ['N']),))]",
        "not a variable": "self.trainable_weights = [input_shape[-1]]",
        "listed twice": "w = K.zeros((3,))\nself.trainable_weights = [w]\nself.non_trainable_weights = [w]",
        "an unknown initializer": "self.trainable_weights = [initializers.get(os.environ['I'])((3,))]",
        "the list Keras 3 names weights": "self.weights = [K.zeros((3,))]",
        "a layer it holds": "self.dense = Dense(3)\nself.trainable_weights = [K.zeros((3,))]",
    }
    for what, body in bodies.items():
        row = legacy_layer("def build(self, input_shape):\n" + textwrap.indent(body, "    ") + "\ndef call(self, x):\n    return x\n")
        assert row["params"] is None, what
    before_init = "def __init__(self):\n    self.trainable_weights = [K.zeros((3,))]\n    super().__init__()\n"
    assert legacy_layer(before_init + "def call(self, x):\n    return x\n")["params"] is None  # Keras 2 emptied it


def test_a_weight_list_grown_after_it_is_set_counts_what_it_holds_when_built():
    row = legacy_layer(
        """
        def build(self, input_shape):
            self.trainable_weights = [K.zeros((3,))]
            self.trainable_weights.append(K.ones((2, 2)))
            self.trainable_weights += [K.variable(0.5)]
        def call(self, x):
            return x
        """
    )
    assert counts(row) == (3 + 4 + 1, 0)


def test_an_input_spec_is_read_back_and_checked_as_keras_checks_it():
    """``self.input_spec = [InputSpec(shape=input_shape)]`` and its ``.shape`` in
    call() (Keras 1/2's Scale); Keras refuses an input the spec does not accept."""
    row = legacy_layer(
        """
        def build(self, input_shape):
            self.input_spec = [InputSpec(shape=input_shape)]
        def call(self, x):
            shape = self.input_spec[0].shape
            return K.reshape(x, (-1, shape[-1] * self.input_spec[0].ndim))
        """
    )
    assert row["output_shape"] == [None, 8] and counts(row) == (0, 0)
    report = analyze(
        LEGACY
        + """
class Custom(Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.input_spec = InputSpec(ndim=3)
    def call(self, x):
        return x
x = Input((4,))
model = Model(x, Custom()(x))
"""
    )
    assert [d["code"] for d in report["diagnostics"]] == ["KC103"]
    assert report["models"][0]["layers"][0]["output_shape"] is None
    model = model_with(
        """
class Custom(layers.Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.input_spec = layers.InputSpec(min_ndim=2, axes={-1: 4})
    def build(self, shape):
        self.w = self.add_weight(shape=(shape[-1],))
    def call(self, x):
        return x * self.w
"""
    )
    assert model["layers"][0]["params"] == 4  # a spec, not a layer it holds


def test_bidirectional_of_a_sequence_layer_of_the_source_is_unknown_not_refused():
    """Keras 3 wraps any layer with go_backwards, return_sequences, return_state
    (a TCN): kerascheck does not follow it, and must not call it an error."""
    report = analyze(
        """
        import keras
        from keras import layers
        class Seq(layers.Layer):
            def __init__(self, units, return_sequences=False, go_backwards=False, **kwargs):
                super().__init__(**kwargs)
                self.units, self.return_sequences, self.go_backwards = units, return_sequences, go_backwards
                self.return_state, self.stateful = False, False
            def call(self, x):
                return x
        model = keras.Sequential([keras.Input((5, 3)), layers.Bidirectional(Seq(4))])
        """
    )
    assert not [d for d in report["diagnostics"] if d["code"] == "KC107"]
    assert report["models"][0]["total_params"] is None


def test_a_catalog_layers_compute_output_shape_is_its_output_for_that_shape():
    model = only_model(
        """
        import keras
        from keras import layers
        class Stack(layers.Layer):
            def build(self, input_shape):
                self.convs = []
                shape = input_shape
                for width in (4, 6):
                    conv = layers.Conv1D(width, 3)
                    conv.build(shape)
                    shape = conv.compute_output_shape(shape)
                    self.convs.append(conv)
                self.out_shape = shape
            def compute_output_shape(self, input_shape):
                return self.out_shape
            def call(self, x):
                for conv in self.convs:
                    x = conv(x)
                return x
        model = keras.Sequential([keras.Input((10, 2)), Stack()])
        """
    )
    assert model["layers"][-1]["output_shape"] == [None, 6, 6]
    assert model["total_params"] == (3 * 2 * 4 + 4) + (3 * 4 * 6 + 6)


ATTENTION_BLOCK = """
import keras
from keras import layers
class Block(layers.Layer):
    def build(self, input_shape):
        self.mha = layers.MultiHeadAttention(2, 4)
        self.mha.build({build})
        self.join = layers.Concatenate()
        self.join.build([input_shape, input_shape])
        self.out_shape = self.join.compute_output_shape([input_shape, input_shape])
    def compute_output_shape(self, input_shape):
        return self.out_shape
    def call(self, x):
        return self.join([x, self.mha(x, x)])
model = keras.Sequential([keras.Input((5, 6)), Block()])
"""


def test_attention_built_with_its_query_and_value_shapes_counts_its_weights():
    # MultiHeadAttention.build(query_shape, value_shape, key_shape=None); Concatenate
    # builds on the list of its inputs' shapes
    mha = 3 * (6 * 2 * 4 + 2 * 4) + (2 * 4 * 6 + 6)
    for build in ("input_shape, input_shape", "query_shape=input_shape, value_shape=(None, 3, 6)"):
        model = only_model(ATTENTION_BLOCK.format(build=build))
        assert model["layers"][0]["output_shape"] == [None, 5, 12]
        assert model["total_params"] == mha


def test_attention_built_without_its_value_shape_is_unknown_and_reports_nothing():
    report = analyze(ATTENTION_BLOCK.format(build="input_shape"))  # Keras: a TypeError
    assert report["models"][0]["total_params"] is None
    assert report["diagnostics"] == []


def test_an_activation_function_held_by_a_layer_is_applied_in_call():
    # keras.activations.gelu(x) is keras.ops.gelu(x); glu halves an axis, not modelled: unknown
    def layer(activation: str) -> dict:
        return model_with(
            f"""
class Gated(layers.Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.act = keras.activations.{activation}
        self.proj = layers.Dense(6)
    def call(self, x):
        first, second = keras.ops.split(self.proj(x), 2, axis=-1)
        return self.act(first) * second
""",
            call="Gated()(inputs)",
        )

    gelu = layer("gelu")
    assert gelu["layers"][0]["output_shape"] == [None, 3]
    assert gelu["total_params"] == (4 * 6 + 6) + (3 * 3 + 3)
    glu = layer("glu")
    assert glu["layers"][0]["output_shape"] is None


SEQUENCE_LAYER = """
import keras
from keras import layers
{decorator}
class Seq(layers.Layer):
    def __init__(self, units, return_sequences=False, go_backwards=False, **kwargs):
        super().__init__(**kwargs)
        self.units, self.return_sequences, self.go_backwards = units, return_sequences, go_backwards
        self.return_state, self.stateful = False, False
    def build(self, shape):
        self.dense = layers.Dense(self.units)
        self.dense.build(shape)
    def compute_output_shape(self, shape):
        return (shape[0], self.units)
    def call(self, x):
        return self.dense(x)[:, -1]
    def get_config(self):
        return {{**super().get_config(), "units": self.units, {keys}}}
model = keras.Sequential([keras.Input((5, 3)), layers.Bidirectional(Seq(4))])
"""
KEYS = '"return_sequences": self.return_sequences, "go_backwards": self.go_backwards'


def test_bidirectional_of_a_registered_layer_of_the_source_counts_the_two_copies_keras_makes():
    registered = '@keras.saving.register_keras_serializable(package="tests")'
    model = only_model(SEQUENCE_LAYER.format(decorator=registered, keys=KEYS))
    assert model["layers"][0]["output_shape"] == [None, 8]
    assert model["total_params"] == 2 * (3 * 4 + 4)
    # Keras's copies come from get_config(): one that leaves go_backwards out still makes a
    # backward copy (Keras adds it); one that sets no go_backwards attribute fails Keras's check
    without = only_model(SEQUENCE_LAYER.format(decorator=registered, keys='"return_sequences": False'))
    assert without["total_params"] == 2 * (3 * 4 + 4)
    unset = SEQUENCE_LAYER.replace("self.units, self.return_sequences, self.go_backwards = units, return_sequences, go_backwards", "self.units, self.return_sequences = units, return_sequences")
    assert only_model(unset.format(decorator=registered, keys=KEYS))["total_params"] is None


def test_bidirectional_of_an_unregistered_layer_of_the_source_is_unknown():
    # Keras cannot find the class again to re-create it: a TypeError
    report = analyze(SEQUENCE_LAYER.format(decorator="", keys=KEYS))
    assert report["models"][0]["total_params"] is None
    assert not [d for d in report["diagnostics"] if d["code"] == "KC107"]
