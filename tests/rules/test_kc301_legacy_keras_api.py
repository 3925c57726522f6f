"""KC301's tables against the installed Keras 3: what it calls legacy, Keras 3 lacks or deprecates."""

from __future__ import annotations

import inspect
import warnings

import pytest

from kerascheck.catalog import lookup, registry
from kerascheck.rules._legacy_spellings import KERAS3_KEYWORDS, REMOVED_ALIASES

#: values for the required constructor arguments of the catalog layers with legacy keywords
REQUIRED = {
    "filters": 4,
    "kernel_size": 3,
    "pool_size": 2,
    "units": 4,
    "input_dim": 5,
    "output_dim": 3,
    "rate": 0.5,
    "stddev": 0.1,
}


def _aliases() -> list[tuple[str, str]]:
    return sorted((name, t.name) for name, t in registry().items() if name != t.name)


@pytest.mark.parametrize("alias, canonical", _aliases())
def test_removed_aliases_are_the_ones_keras3_lacks(keras, alias, canonical):
    assert hasattr(keras.layers, alias) == (alias not in REMOVED_ALIASES)


def _legacy_keywords() -> list[tuple[str, str]]:
    types = {t.name: t for t in registry().values()}
    return sorted(
        (name, keyword)
        for name, t in types.items()
        for keyword in (*t.legacy_kwargs, *t.ignored_legacy_kwargs, *t.converted_legacy_kwargs)
        if keyword not in REQUIRED
    )


def _construct(keras, class_name: str, keyword: str) -> list[str]:
    """Build the Keras 3 layer with ``keyword``; the warnings it gives."""
    cls = getattr(keras.layers, class_name)
    parameters = list(inspect.signature(cls.__init__).parameters.values())[1:]
    required = {p.name: REQUIRED[p.name] for p in parameters if p.default is p.empty and p.name in REQUIRED}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        cls(**required, **{keyword: None if keyword != "alpha" else 0.1})
    return [str(w.message) for w in caught]


@pytest.mark.parametrize("class_name, keyword", _legacy_keywords())
def test_legacy_keywords_are_rejected_or_deprecated(keras, class_name, keyword):
    if not hasattr(keras.layers, class_name):
        pytest.skip(f"keras.layers has no {class_name}")
    if keyword in KERAS3_KEYWORDS:
        _construct(keras, class_name, keyword)  # accepted: KC301 does not report it
    elif keyword in lookup(class_name).deprecated_kwargs:
        assert any("deprecated" in w for w in _construct(keras, class_name, keyword))
    else:
        with pytest.raises((ValueError, TypeError), match=keyword):
            _construct(keras, class_name, keyword)


@pytest.mark.parametrize(
    "class_name, keyword", [("Conv2D", "dim_ordering"), ("Dense", "batch_input_shape"), ("Conv1D", "input_length")]
)
def test_other_legacy_keywords_are_rejected(keras, class_name, keyword):
    with pytest.raises(ValueError, match=keyword):
        _construct(keras, class_name, keyword)


def test_embedding_input_length_is_deprecated(keras):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        keras.layers.Embedding(10, 3, input_length=5)
    assert any("input_length" in str(w.message) for w in caught)


def test_removed_functions_and_attributes(keras):
    assert not hasattr(keras.backend, "set_image_dim_ordering")
    assert not hasattr(keras.backend, "image_dim_ordering")
    assert not hasattr(keras.layers, "merge")
    layer = keras.layers.Dense(3)
    keras.Sequential([keras.Input((4,)), layer])
    assert not hasattr(layer, "output_shape") and not hasattr(layer, "input_shape")
    inputs = keras.Input((4,))
    with pytest.raises(ValueError, match="input"):
        keras.Model(input=inputs, output=keras.layers.Dense(2)(inputs))
