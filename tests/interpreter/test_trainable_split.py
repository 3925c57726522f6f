"""Which moment's trainable / non-trainable split a model's report shows (README,
"Legacy intent"): its first summary(), else its first compile(), else the end.

Each test compares kerascheck's report of a source with its report of a simpler
source that must show the same split (so no number here needs Keras);
fixtures/constructs/trainable_split.py and classic/gan.py put the same rule
through the oracle, which applies it to what real Keras builds."""

from tests.helpers import analyze, only_model

HEAD = """
import sys
import keras
from keras import layers
m = keras.Sequential([keras.Input((6,)), layers.Dense(3), layers.Dropout(0.1), layers.Dense(1)], name="m")
"""


def report(body: str) -> dict:
    model = only_model(HEAD + body)
    return {key: value for key, value in model.items() if key not in ("line", "layers")} | {
        "layers": [(r["name"], r["trainable_params"], r["non_trainable_params"]) for r in model["layers"]]
    }


FROZEN_FIRST = "m.layers[0].trainable = False\n"


def test_freezing_after_compile_does_not_change_the_report():
    assert report("m.compile(loss='mse')\n" + FROZEN_FIRST) == report("m.compile(loss='mse')\n")


def test_freezing_before_compile_counts():
    assert report(FROZEN_FIRST + "m.compile(loss='mse')\n") == report(FROZEN_FIRST)
    assert report(FROZEN_FIRST) != report("")


def test_without_summary_or_compile_the_end_counts():
    assert report(FROZEN_FIRST + "m.layers[0].trainable = True\n") == report("")


def test_the_first_summary_counts():
    assert report("m.summary()\n" + FROZEN_FIRST + "m.summary()\n") == report("m.summary()\n")


def test_a_summary_after_compile_counts_rather_than_compile():
    assert report("m.compile(loss='mse')\n" + FROZEN_FIRST + "m.summary()\n") == report(FROZEN_FIRST)


def test_freezing_a_whole_model_then_unfreezing_some_layers_after_compile():
    # the fine-tuning recipe: the report is the model as first compiled, all frozen
    body = "m.trainable = False\nm.compile(loss='mse')\nm.trainable = True\nfor l in m.layers[:1]:\n    l.trainable = False\n"
    assert report(body) == report("m.trainable = False\n")


def test_a_nested_model_frozen_before_the_outer_compile():
    # the GAN recipe: the discriminator is compiled trainable, then frozen inside the combined model
    source = HEAD + """
m.compile(loss="mse")
m.trainable = False
inp = keras.Input((6,))
combined = keras.Model(inp, m(inp), name="combined")
combined.compile(loss="mse")
"""
    discriminator, combined = analyze(source)["models"]
    assert discriminator["trainable_params"] == discriminator["total_params"] > 0
    assert (combined["trainable_params"], combined["non_trainable_params"]) == (0, discriminator["total_params"])


def test_a_call_in_a_function_that_surely_runs_is_certain():
    body = "def train(model):\n    model.compile(loss='mse')\ntrain(m)\n" + FROZEN_FIRST
    assert report(body) == report("")


MAYBE = "if '--summary' in sys.argv:\n    m.summary()\n"


def test_a_summary_that_may_not_run_leaves_the_split_unknown_where_moments_differ():
    model = only_model(HEAD + MAYBE + FROZEN_FIRST + "m.compile(loss='mse')\n")
    first, dropout, last = model["layers"]
    assert first["trainable_params"] is None and "depends on a condition" in first["unknown_reason"]
    assert dropout["params"] == 0 and last["params"] is not None
    assert model["total_params"] is None and "dense" in model["unknown_reason"]


def test_a_summary_that_may_not_run_changes_nothing_where_moments_agree():
    assert report(FROZEN_FIRST + MAYBE + "m.compile(loss='mse')\n") == report(FROZEN_FIRST)
    assert report(FROZEN_FIRST + MAYBE) == report(FROZEN_FIRST)


def test_freezing_under_an_unknown_condition_after_the_moment_changes_nothing():
    maybe_frozen = "if '--freeze' in sys.argv:\n    m.trainable = False\n"
    assert report("m.compile(loss='mse')\n" + maybe_frozen) == report("m.compile(loss='mse')\n")


def test_freezing_under_an_unknown_condition_before_it_is_unknown_unless_both_agree():
    model = only_model(HEAD + "if '--freeze' in sys.argv:\n    m.layers[0].trainable = False\n")
    assert model["layers"][0]["trainable_params"] is None and model["total_params"] is None
    assert "trainable is set under a condition" in model["layers"][0]["unknown_reason"]
    # a layer without weights, or a flag set to the value it has, gives the same split either way
    assert report("if '--freeze' in sys.argv:\n    m.layers[1].trainable = False\n") == report("")
    assert report("if '--freeze' in sys.argv:\n    m.layers[0].trainable = True\n") == report("")
    # set again for sure, it is known again
    maybe_frozen = "if '--freeze' in sys.argv:\n    m.layers[0].trainable = False\n"
    assert report(maybe_frozen + "m.layers[0].trainable = True\n") == report("")


PICKED = [
    "n = int(sys.argv[1])\nfor l in m.layers[:n]:\n    l.trainable = False\n",
    "for l in m.layers[int(sys.argv[1]):]:\n    l.trainable = False\n",
    "m.layers[int(sys.argv[1])].trainable = False\n",
    "for i in range(int(sys.argv[1])):\n    m.layers[i].trainable = False\n",
    "m.get_layer(sys.argv[1]).trainable = False\n",
]


def test_freezing_layers_picked_by_an_unknown_index_or_bound_is_unknown_before_the_moment():
    for body in PICKED:
        model = only_model(HEAD + body)
        assert [r["trainable_params"] for r in model["layers"]] == [None, 0, None], body
        assert report("m.compile(loss='mse')\n" + body) == report("m.compile(loss='mse')\n"), body
