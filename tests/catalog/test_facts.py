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


def test_the_masks_of_the_migrated_layers():
    special = {"Embedding": Mask.NONZERO, "Masking": Mask.MASK_VALUE, "Bidirectional": Mask.WRAPPED_SEQUENCES}
    for name in MIGRATED:
        kind = _layer(name)
        if name in special:
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
        assert kind.takes_mask == (name in TAKES_MASK), name


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
#: layers whose call takes a mask in Keras that kerascheck does not pass: Keras
#: gives the attention layers a list of masks ([query, value]), which is not modelled
MASK_NOT_PASSED = {"Attention", "AdditiveAttention"}


def test_takes_mask_matches_keras(keras):
    for kind in {id(t): t for t in catalog.registry().values()}.values():
        cls = getattr(keras.layers, kind.name, None)
        if cls is None:
            continue
        takes = "mask" in inspect.signature(cls.call).parameters
        assert kind.takes_mask == (takes and kind.name not in MASK_NOT_PASSED), kind.name
