"""Models built under a condition kerascheck cannot evaluate: the condition
decides whether a model exists, not its rows (issue 10, item 4); a change
made under another condition, or through a variable the branches disagree
on, makes it uncertain (never a partial model presented as exact)."""

from __future__ import annotations

from tests.helpers import analyze, only_model

HEAD = """\
import sys
import keras
from keras import layers

MODE = sys.argv[-1]

def build(width=16):
    model = keras.Sequential()
    model.add(keras.Input((4,)))
    model.add(layers.Dense(width))
    model.add(layers.Dense(1))
    return model
"""


def models(body: str) -> list[dict]:
    return analyze(HEAD + body)["models"]


def test_a_builder_called_under_a_condition_is_exact_and_says_when():
    (model,) = models('if MODE == "train":\n    build()\n')
    assert model["total_params"] == 97
    assert model["context"] == 'build() at line 14, only if MODE == "train" (line 13)'


def test_both_branches_models_are_reported_each_with_its_condition():
    first, second = models('if MODE == "a":\n    build(8)\nelse:\n    build(32)\n')
    assert (first["total_params"], second["total_params"]) == (49, 193)
    assert first["context"].endswith('only if MODE == "a" (line 13)')
    assert second["context"].endswith("only if the else branch runs (line 15)")


def test_a_model_changed_in_its_own_branch_is_exact():
    (model,) = models('if MODE == "train":\n    m = build()\n    m.add(layers.Dense(3))\n    m.summary()\n')
    assert model["total_params"] == 103


def test_a_model_used_after_the_branches_without_changes_stays_exact():
    (model,) = models('if MODE == "train":\n    m = build()\nm.compile(loss="mse")\nm.fit(None, None)\nm.summary()\n')
    assert model["total_params"] == 97


def test_a_model_changed_through_a_variable_the_branches_disagree_on_is_uncertain():
    first, second = models('if MODE == "a":\n    m = build(8)\nelse:\n    m = build(32)\nm.add(layers.Dense(3))\n')
    for model in (first, second):
        assert model["total_params"] is None and "may be changed later" in model["unknown_reason"]


def test_a_model_built_before_and_frozen_through_such_a_variable_is_uncertain():
    source = "base = build()\nother = build(8)\nif MODE == 'a':\n    m = base\nelse:\n    m = other\nm.trainable = False\n"
    for model in models(source):
        assert model["total_params"] is None


def test_a_layer_added_under_another_condition_than_the_models_is_uncertain():
    (model,) = models("if MODE == 'a':\n    m = build()\n    if MODE == 'b':\n        m.add(layers.Dense(3))\n")
    assert model["total_params"] is None and "added under a condition" in model["unknown_reason"]


def test_a_list_made_in_the_branch_holds_its_layers_for_certain_but_not_one_made_before():
    source = (
        "extra = []\n"
        "if MODE == 'a':\n"
        "    stack = [keras.Input((4,))]\n"
        "    stack.append(layers.Dense(2))\n"
        "    extra.append(layers.Dense(3))\n"
        "    keras.Sequential(stack + extra)\n"
    )
    (model,) = [m for m in models(source) if "only if" in m["context"]]  # (build() runs as an entry point too)
    # `extra` was made outside the branch: changing it there makes it unknown, so is the model
    assert model["total_params"] is None
    (model,) = [m for m in models(source.replace("stack + extra", "stack")) if "only if" in m["context"]]
    assert model["total_params"] == 10


def test_a_branch_that_raises_where_nothing_catches_it_ends_the_program_there():
    """``if activation not in dir(keras.activations): raise ValueError(...)``: code
    after the check runs only when the other branch ran."""
    model = only_model("""
        import keras
        import sys

        def dense(units, activation):
            if activation not in sys.argv:
                raise ValueError(activation)
            width = units * 2
            return keras.layers.Dense(width, activation=activation)

        model = keras.Sequential([keras.Input((3,)), dense(4, "relu")])
    """)
    assert model["total_params"] == 3 * 8 + 8


def test_a_raise_a_try_may_catch_still_leaves_both_ways():
    model = only_model("""
        import keras
        import sys

        try:
            width = 4
            if "--wide" in sys.argv:
                raise ValueError()
        except ValueError:
            width = 16
        model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(width)])
    """)
    assert model["total_params"] is None
