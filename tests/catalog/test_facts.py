"""The facts each layer (and operation) type holds: masks, subclassing, roles.

They used to be lists of class names in the interpreter (``masking``,
``custom_layers``) and in the rules.  This file keeps those lists as they were
when the facts moved onto the catalog, and the first tests check that every
layer of that time (``MIGRATED``) and every operation has exactly the facts its
class name had in them: the move changed nothing.  A layer added later is not
in ``MIGRATED``; its facts are checked by the invariants below and by Keras.
"""

from __future__ import annotations

import inspect

import pytest

from kerascheck import catalog
from kerascheck.catalog import operations
from kerascheck.catalog.activations import ELU, LeakyReLU, PReLU, ReLU, Softmax
from kerascheck.catalog.base import ROLE_MEANINGS, LayerType, Mask, Role
from kerascheck.catalog.core import Activation, Identity
from kerascheck.catalog.normalization import AxisNormalization
from kerascheck.catalog.regularization import ActivityRegularization, Dropout
from kerascheck.catalog.reshaping import Flatten, Reshape

#: the catalog's layers when the facts moved onto it
MIGRATED = """
Activation ActivityRegularization Add AdditiveAttention AlphaDropout Attention AugMix AutoContrast Average
AveragePooling1D AveragePooling2D AveragePooling3D BatchNormalization Bidirectional CenterCrop Concatenate
Conv1D Conv1DTranspose Conv2D Conv2DTranspose Conv3D Conv3DTranspose ConvLSTM1D ConvLSTM2D ConvLSTM3D
Cropping1D Cropping2D Cropping3D CutMix Dense DepthwiseConv1D DepthwiseConv2D Dot Dropout ELU EinsumDense
Embedding Equalization Flatten GRU GRUCell GaussianDropout GaussianNoise GlobalAveragePooling1D
GlobalAveragePooling2D GlobalAveragePooling3D GlobalMaxPooling1D GlobalMaxPooling2D GlobalMaxPooling3D
GroupNormalization GroupedQueryAttention Identity LSTM LSTMCell Lambda LayerNormalization LeakyReLU Masking
MaxPooling1D MaxPooling2D MaxPooling3D Maximum Minimum MixUp MultiHeadAttention Multiply Normalization PReLU
Permute RMSNormalization RNN RandAugment RandomBrightness RandomColorDegeneration RandomColorJitter
RandomContrast RandomCrop RandomElasticTransform RandomErasing RandomFlip RandomGaussianBlur RandomGrayscale
RandomHue RandomInvert RandomPerspective RandomPosterization RandomRotation RandomSaturation RandomSharpness
RandomShear RandomTranslation RandomZoom ReLU RepeatVector Rescaling Reshape Resizing SeparableConv1D
SeparableConv2D SimpleRNN SimpleRNNCell Softmax Solarization SpatialDropout1D SpatialDropout2D
SpatialDropout3D Subtract TimeDistributed UnitNormalization UpSampling1D UpSampling2D UpSampling3D
ZeroPadding1D ZeroPadding2D ZeroPadding3D
""".split()
#: the keras.ops functions the catalog modelled then
MIGRATED_FUNCTIONS = """
abs absolute add all any cast ceil clip concatenate cos divide einsum equal exp expand_dims flip floor gelu
get_item greater greater_equal less less_equal log log_softmax matmul max maximum mean min minimum multiply
negative not_equal ones_like power relu reshape round sigmoid sign silu sin softmax sqrt square squeeze stack
stop_gradient subtract sum swish tanh transpose true_divide where zeros_like
""".split()


def _names(text: str) -> frozenset[str]:
    return frozenset(text.split())


# The lists as they were (class names; the rules matched operations by name too).
# interpreter/masking.py
PASSES_MASK = _names(
    """Dense Identity Activation ReLU LeakyReLU PReLU ELU Softmax Dropout AlphaDropout
    GaussianDropout GaussianNoise ActivityRegularization BatchNormalization LayerNormalization
    GroupNormalization UnitNormalization Rescaling Normalization TimeDistributed Lambda
    MultiHeadAttention GroupedQueryAttention"""
)
TAKES_MASK = _names(
    """SimpleRNN LSTM GRU RNN ConvLSTM1D ConvLSTM2D ConvLSTM3D Bidirectional TimeDistributed
    GlobalAveragePooling1D BatchNormalization Softmax Lambda"""
)
RECURRENT = _names("SimpleRNN LSTM GRU RNN ConvLSTM1D ConvLSTM2D ConvLSTM3D")
MERGES = _names("Add Subtract Multiply Average Maximum Minimum Concatenate Dot")
# interpreter/custom_layers.py
UNINTERPRETED_BASES = _names(
    """AugMix AutoContrast CenterCrop CutMix Equalization MixUp Normalization RandAugment RandomBrightness
    RandomColorDegeneration RandomColorJitter RandomContrast RandomCrop RandomElasticTransform RandomErasing
    RandomFlip RandomGaussianBlur RandomGrayscale RandomHue RandomInvert RandomPerspective RandomPosterization
    RandomRotation RandomSaturation RandomSharpness RandomShear RandomTranslation RandomZoom Rescaling Resizing
    Solarization Lambda GRUCell LSTMCell SimpleRNNCell"""
)
BUILT_IN_INIT = _names("Reshape")
TRACED_TO_BUILD = _names(
    """Cropping1D Cropping2D Cropping3D Flatten Permute RepeatVector UpSampling1D UpSampling2D UpSampling3D
    ZeroPadding1D ZeroPadding2D ZeroPadding3D"""
)
SPEC_IGNORES_SHAPE = _names("Identity")
SEVERAL_SHAPES = _names("Attention AdditiveAttention MultiHeadAttention GroupedQueryAttention")
CONFIG_ATTRIBUTES = {
    "Dense": ("units", "use_bias"),
    "Embedding": ("input_dim", "output_dim"),
    "Dropout": ("rate",),
    **{name: ("filters", "use_bias") for name in "Conv1D Conv2D Conv3D SeparableConv1D SeparableConv2D".split()},
    **{name: ("filters", "use_bias") for name in "Conv1DTranspose Conv2DTranspose Conv3DTranspose".split()},
    **{name: ("units", "use_bias", "return_sequences", "return_state") for name in ("SimpleRNN", "LSTM", "GRU")},
}
# rules/_heads.py
ACTIVATION_LAYERS = {"Softmax": "softmax", "ReLU": "relu", "LeakyReLU": "leaky_relu", "ELU": "elu", "PReLU": "prelu"}
ACTIVATION_OPS = {
    "Softmax": "softmax", "LogSoftmax": "log_softmax", "Sigmoid": "sigmoid", "Relu": "relu",
    "Tanh": "tanh", "Gelu": "gelu", "Silu": "silu",
}
HEADS_PASS_THROUGH = _names(
    """Dropout SpatialDropout1D SpatialDropout2D SpatialDropout3D GaussianNoise GaussianDropout AlphaDropout
    ActivityRegularization Identity Flatten Reshape"""
)
REARRANGING = _names("Flatten Reshape")  # _heads: ``class_name in ("Flatten", "Reshape")``
POINTWISE = (HEADS_PASS_THROUGH - REARRANGING) | _names(
    "Dense Activation BatchNormalization LayerNormalization ReLU LeakyReLU ELU PReLU"
)
# rules/kc202_parameter_hotspot.py (by type: isinstance)
KC202_PASS_THROUGH = (Dropout, ActivityRegularization, AxisNormalization, Activation, Identity, ReLU, LeakyReLU, PReLU, ELU, Softmax)
KC202_FLATTENING = (Flatten, Reshape)
# rules/kc209_softmax_misuse.py
FEATURE_LAYERS = _names(
    """Dense EinsumDense Conv1D Conv2D Conv3D SeparableConv1D SeparableConv2D DepthwiseConv1D DepthwiseConv2D
    Conv1DTranspose Conv2DTranspose Conv3DTranspose SimpleRNN LSTM GRU Bidirectional"""
)
# rules/kc211_dropout_rate.py
DROPPING = _names("Dropout SpatialDropout1D SpatialDropout2D SpatialDropout3D AlphaDropout")
DIVIDING = _names("GaussianDropout AlphaDropout")
DROPPING_UNITS = _names("Dropout AlphaDropout")  # ``class_name in ("Dropout", "AlphaDropout")``
LOOKED_THROUGH = _names("Activation ReLU LeakyReLU PReLU ELU BatchNormalization LayerNormalization")
# rules/kc214_sequence_into_head.py
BUILDS_SEQUENCES = _names("Reshape Permute Transpose ExpandDims Squeeze Stack RepeatVector")
# rules/kc204_width_bottleneck.py
GATE = _names("Multiply")
BEFORE_GATE = _names("Reshape Activation")
# rules/_legacy_spellings.py
DEPRECATED = {"LeakyReLU": ("alpha",)}

#: each role and the class names that had it (for layers and operations alike,
#: since the rules compared names), or the layer classes (KC202 asked the type)
MOVED_ROLES: dict[Role, frozenset[str] | tuple[type, ...]] = {
    Role.ACTIVATION: frozenset(ACTIVATION_LAYERS) | {"Activation"},  # operations: ACTIVATION_OPS
    Role.RECURRENT: RECURRENT,
    Role.KEEPS_ACTIVATION: HEADS_PASS_THROUGH,
    Role.REARRANGES: REARRANGING,
    Role.PER_POSITION: POINTWISE,
    Role.KEEPS_LAYOUT: KC202_PASS_THROUGH,
    Role.READS_FEATURES: FEATURE_LAYERS,
    Role.DROPS_UNITS: DROPPING_UNITS,
    Role.DROPS_FEATURE_MAPS: DROPPING - DROPPING_UNITS,
    Role.DIVIDES_BY_KEPT: DIVIDING,
    Role.BEFORE_DROPOUT: LOOKED_THROUGH,
    Role.BUILDS_SEQUENCES: BUILDS_SEQUENCES,
    Role.GATES: GATE,
    Role.BEFORE_GATE: BEFORE_GATE,
}


def _layer(name: str) -> LayerType:
    layer_type = catalog.lookup(name)
    assert layer_type is not None and layer_type.name == name, name
    return layer_type


def _had(name: str, kind: LayerType, moved: frozenset[str] | tuple[type, ...]) -> bool:
    return isinstance(kind, moved) if isinstance(moved, tuple) else name in moved


def _operations(functions: list[str] = MIGRATED_FUNCTIONS) -> dict[str, LayerType]:
    """The operation type of each function, by its class name."""
    found = {}
    for function in functions:
        kind = operations.operation(function)
        assert kind is not None, function
        found.setdefault(kind.name, kind)
    return found


# ------------------------------------------------------------------ the move changed nothing
@pytest.mark.parametrize("role", list(MOVED_ROLES), ids=lambda role: role.name)
def test_each_migrated_layer_has_the_roles_its_class_name_had(role):
    moved = MOVED_ROLES[role]
    wrong = [name for name in MIGRATED if (role in _layer(name).roles) != _had(name, _layer(name), moved)]
    assert not wrong, f"{role.name}: {wrong}"


def test_each_migrated_operation_has_the_roles_its_class_name_had():
    # KC202 asked the layer's type (not the operation's); the other rules compared
    # class names, operations' too: those in ACTIVATION_OPS were activations
    for name, kind in _operations().items():
        for role, moved in MOVED_ROLES.items():
            if role is Role.KEEPS_LAYOUT:
                expected = False
            elif role is Role.ACTIVATION:
                expected = name in ACTIVATION_OPS
            else:
                expected = name in moved
            assert (role in kind.roles) == expected, (name, role.name)
        assert kind.activation == ACTIVATION_OPS.get(name), name
        assert kind.activation_axis == ("axis" if name in ("Softmax", "LogSoftmax") else None), name


def test_the_activations_of_the_migrated_layers():
    for name in MIGRATED:
        kind = _layer(name)
        assert kind.activation == ACTIVATION_LAYERS.get(name), name
        # _heads read the softmax axis from the ``axis`` of Softmax only
        assert kind.activation_axis == ("axis" if name == "Softmax" else None), name


#: masks corrected after the move, to what Keras 3's compute_mask does (``test_masks_match_keras``)
MASKS_CORRECTED = {
    **{name: Mask.PASSED for name in ("SpatialDropout1D", "SpatialDropout2D", "SpatialDropout3D")},
    "Concatenate": Mask.CONCATENATED,
    "Dot": Mask.DROPPED,
    "Attention": Mask.QUERY,
    "AdditiveAttention": Mask.QUERY,
    "Lambda": Mask.GIVEN,
}
#: the attention layers' call takes the list of masks, which kerascheck passes since
TAKES_MASK_CORRECTED = _names("Attention AdditiveAttention")


def test_the_masks_of_the_migrated_layers():
    special = {"Embedding": Mask.NONZERO, "Masking": Mask.MASK_VALUE, "Bidirectional": Mask.WRAPPED_SEQUENCES}
    for name in MIGRATED:
        kind = _layer(name)
        if name in MASKS_CORRECTED:
            expected = MASKS_CORRECTED[name]
        elif name in special:
            expected = special[name]
        elif name in RECURRENT:
            expected = Mask.SEQUENCES
        elif name in MERGES:
            expected = Mask.MERGED
        elif name in PASSES_MASK:
            expected = Mask.PASSED
        else:
            expected = Mask.DROPPED
        assert kind.mask is expected, name
        assert kind.takes_mask == (name in TAKES_MASK | TAKES_MASK_CORRECTED), name


def test_the_subclassing_facts_of_the_migrated_layers():
    for name in MIGRATED:
        kind = _layer(name)
        assert kind.subclass_interpreted == (name not in UNINTERPRETED_BASES), name
        assert kind.built_in_init == (name in BUILT_IN_INIT), name
        assert kind.traced_to_build == (name in TRACED_TO_BUILD), name
        assert kind.spec_ignores_shape == (name in SPEC_IGNORES_SHAPE), name
        assert kind.several_shapes == (name in SEVERAL_SHAPES), name
        assert kind.config_attributes == CONFIG_ATTRIBUTES.get(name, ()), name
        assert kind.deprecated_kwargs == DEPRECATED.get(name, ()), name


def test_operations_have_no_layer_facts():
    for kind in _operations().values():
        assert kind.mask is Mask.DROPPED and not kind.takes_mask, kind.name
        assert kind.config_attributes == () and not kind.several_shapes, kind.name


# ------------------------------------------------------------------ invariants (any layer)
def _types() -> list[LayerType]:
    """Every layer type and operation type of the catalog."""
    functions = [*operations.BINARY, *operations.UNARY, *operations.REDUCE, *operations.SHAPING]
    return list({id(t): t for t in catalog.registry().values()}.values()) + list(_operations(functions).values())


def test_every_role_says_what_it_answers():
    assert set(ROLE_MEANINGS) == {role for role in Role if role is not Role.NONE}


def test_the_activation_of_an_activation_only_type():
    for kind in _types():
        if Role.ACTIVATION in kind.roles:
            # Activation: its argument names the function (the rules tell it apart so)
            assert (kind.activation is None) == ("activation" in kind.positional), kind.name
        else:
            assert kind.activation is None and kind.activation_axis is None, kind.name


def test_the_roles_that_go_together():
    for kind in _types():
        roles = kind.roles
        if Role.KEEPS_ACTIVATION in roles and Role.REARRANGES not in roles:
            assert Role.PER_POSITION in roles, kind.name  # KC209's dropouts: KC205 and KC214 look through them too
        if roles & (Role.DROPS_UNITS | Role.DROPS_FEATURE_MAPS | Role.DIVIDES_BY_KEPT):
            assert "rate" in kind.positional, kind.name  # KC211 reads it
        assert (Role.RECURRENT in roles) == (kind.mask is Mask.SEQUENCES), kind.name


def test_the_subclassing_facts_agree_with_built_at_init():
    for kind in _types():
        assert not kind.built_in_init or kind.built_at_init, kind.name
        assert not kind.traced_to_build or not kind.built_at_init, kind.name
        for attribute in kind.config_attributes:  # arguments of the layer
            assert attribute in (*kind.positional, *kind.defaults), (kind.name, attribute)
        for keyword in kind.deprecated_kwargs:
            assert keyword in kind.legacy_kwargs, (kind.name, keyword)


# ------------------------------------------------------------------ Keras
def test_takes_mask_matches_keras(keras):
    for kind in {id(t): t for t in catalog.registry().values()}.values():
        cls = getattr(keras.layers, kind.name, None)
        if cls is None:
            continue
        takes = "mask" in inspect.signature(cls.call).parameters
        assert kind.takes_mask == takes, kind.name


#: constructor arguments for the layers that need some (Embedding: masking zeros,
#: so that it supports masking; Lambda: with a mask, so that it does)
KERAS_ARGUMENTS: dict[str, tuple] = {
    "Dense": (2,), "EinsumDense": ("ab,bc->ac", 3), "Conv1D": (2, 3), "Conv2D": (2, 3), "Conv3D": (2, 3),
    "Conv1DTranspose": (2, 3), "Conv2DTranspose": (2, 3), "Conv3DTranspose": (2, 3), "SeparableConv1D": (2, 3),
    "SeparableConv2D": (2, 3), "DepthwiseConv1D": (3,), "DepthwiseConv2D": (3,), "Dropout": (0.5,),
    "SpatialDropout1D": (0.5,), "SpatialDropout2D": (0.5,), "SpatialDropout3D": (0.5,), "AlphaDropout": (0.5,),
    "GaussianDropout": (0.5,), "GaussianNoise": (0.5,), "Activation": ("relu",), "Reshape": ((2,),),
    "Permute": ((1,),), "RepeatVector": (2,), "SimpleRNN": (2,), "LSTM": (2,), "GRU": (2,), "ConvLSTM1D": (2, 3),
    "ConvLSTM2D": (2, 3), "ConvLSTM3D": (2, 3), "SimpleRNNCell": (2,), "LSTMCell": (2,), "GRUCell": (2,),
    "MultiHeadAttention": (2, 2), "Dot": (1,), "Resizing": (2, 2), "CenterCrop": (2, 2), "RandomCrop": (2, 2),
    "Rescaling": (1.0,), "RandomRotation": (0.1,), "RandomZoom": (0.1,), "RandomTranslation": (0.1, 0.1),
    "RandomContrast": (0.1,), "RandomBrightness": (0.1,), "RandomShear": (0.1,), "RandomHue": (0.1,),
    "RandomSaturation": (0.1,), "RandomSharpness": (0.1,), "RandomColorDegeneration": (0.1,),
    "RandomPosterization": (2,), "RandomGaussianBlur": (0.1,), "AveragePooling1D": (2,), "AveragePooling2D": (2,),
    "AveragePooling3D": (2,), "MaxPooling1D": (2,), "MaxPooling2D": (2,), "MaxPooling3D": (2,),
}
#: the Keras class whose ``compute_mask`` a layer runs → the catalog's fact for it
COMPUTE_MASK = {
    "Layer": Mask.PASSED,  # Keras's default: the mask passes on
    "Merge": Mask.MERGED,
    "Concatenate": Mask.CONCATENATED,
    "RNN": Mask.SEQUENCES,
    "ConvLSTM": Mask.SEQUENCES,
    "Bidirectional": Mask.WRAPPED_SEQUENCES,
    "Embedding": Mask.NONZERO,
    "Masking": Mask.MASK_VALUE,
    "Attention": Mask.QUERY,
    "Lambda": Mask.GIVEN,
    "GlobalAveragePooling1D": Mask.DROPPED,  # returns None
    "Dot": Mask.DROPPED,  # returns None
}


def _keras_instance(keras, name: str):
    layers = keras.layers
    if name == "Embedding":
        return layers.Embedding(5, 2, mask_zero=True)
    if name == "Lambda":
        return layers.Lambda(lambda x: x, mask=lambda x, m: m)
    if name in ("RNN", "Bidirectional", "TimeDistributed"):
        inner = layers.LSTMCell(2) if name == "RNN" else layers.LSTM(2) if name == "Bidirectional" else layers.Dense(2)
        return getattr(layers, name)(inner)
    return getattr(layers, name)(*KERAS_ARGUMENTS.get(name, ()))


def test_masks_match_keras(keras):
    """Each catalog layer masks as Keras's does: no mask unless it supports masking;
    then the ``compute_mask`` it runs (its class's) is the one its fact models."""
    for kind in {id(t): t for t in catalog.registry().values()}.values():
        if getattr(keras.layers, kind.name, None) is None:
            continue
        layer = _keras_instance(keras, kind.name)
        owner = next(c.__name__ for c in type(layer).__mro__ if "compute_mask" in c.__dict__)
        expected = COMPUTE_MASK[owner] if layer.supports_masking else Mask.DROPPED
        assert kind.mask is expected, (kind.name, owner, layer.supports_masking)
    # a GlobalAveragePooling1D and a Dot support masking, but their compute_mask returns None
    mask = keras.Input((3,), dtype="bool")
    assert keras.layers.GlobalAveragePooling1D().compute_mask(keras.Input((3, 2)), mask) is None
    assert keras.layers.Dot(1).compute_mask([keras.Input((3,))] * 2, [mask, mask]) is None
    # without mask_zero an Embedding, without a mask a Lambda, does not support masking
    assert not keras.layers.Embedding(5, 2).supports_masking
    assert not keras.layers.Lambda(lambda x: x).supports_masking
