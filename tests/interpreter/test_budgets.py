"""Counted budgets (``interpreter.limits``): a statement that runs out of its own
leaves what it did unknown and the rest of the file is analysed; the report
never depends on the clock."""

from __future__ import annotations

import json
import textwrap

from kerascheck.analysis import Options, analyze_source
from kerascheck.interpreter import semantics
from kerascheck.interpreter.limits import Limits
from kerascheck.reporters import json_report

HEAVY = "for i in range(300):\n    for j in range(300):\n        pass\n"  # about 90,000 steps


def report(source: str, limits: Limits | None = None) -> dict:
    analysed = analyze_source(textwrap.dedent(source), "budget.py", Options(limits=limits or Limits()))
    return json.loads(json_report.render([analysed]))["files"][0]


def limit_messages(file: dict) -> list[tuple[int, str]]:
    return [(d["line"], d["message"]) for d in file["diagnostics"] if d["code"] == "KC002"]


def test_a_statement_past_its_budget_leaves_what_it_changed_unknown_and_the_rest_runs():
    file = report(
        """\
        import keras
        sizes = [8]
        n = 3
        for i in range(300):
            for j in range(300):
                sizes.append(j)
            n = 4
        model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(n)])
        other = keras.Sequential([keras.Input((4,)), keras.layers.Dense(sizes[0])])
        last = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])
        """,
        Limits(max_statement_steps=5_000),
    )
    assert limit_messages(file) == [(4, "one statement took more than 5,000 interpretation steps; values computed there are unknown")]
    model, other, last = file["models"]
    # n may have been rebound and sizes changed: neither is guessed
    assert model["total_params"] is None and model["layers"][0]["output_shape"] == [None, "?"]
    assert other["total_params"] is None
    assert last["total_params"] == 10 and last["layers"][0]["name"] == "dense_2"


def test_a_model_changed_by_a_cut_statement_is_uncertain_and_later_auto_names_unknown():
    file = report(
        """\
        import keras
        before = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3)])
        model = keras.Sequential([keras.Input((4,))])
        for k in range(100):
            model.add(keras.layers.Dense(3))
            for i in range(100):
                pass
        after = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2), keras.layers.Dense(2, name="head")])
        """,
        Limits(max_statement_steps=2_000),
    )
    before, model, after = file["models"]
    assert before["total_params"] == 15 and before["layers"][0]["name"] == "dense"
    assert model["total_params"] is None and "did not follow" in model["unknown_reason"]
    # how many Dense layers the loop made is unknown, so is the next auto-name; the counts are not
    assert [layer["name"] for layer in after["layers"]] == ["?", "head"]
    assert after["total_params"] == 16


def test_once_the_files_steps_are_spent_each_later_statement_still_runs():
    limits = Limits(max_steps=20_000, max_statement_steps=15_000, min_statement_steps=2_000)
    file = report(f"import keras\n{HEAVY}{HEAVY}{HEAVY}m = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])\n", limits)
    assert [line for line, _ in limit_messages(file)] == [2, 5, 8]
    messages = [message for _, message in limit_messages(file)]
    assert messages[0].startswith("one statement took more than 15,000 interpretation steps")
    assert messages[1].startswith("the file's 20,000 interpretation steps are spent;")
    assert messages[2].startswith("the file's 20,000 interpretation steps are spent (each later statement gets 2,000)")
    assert file["models"][0]["total_params"] == 10


def test_a_cut_statement_of_an_imported_module_is_reported_at_the_import(tmp_path):
    (tmp_path / "pyproject.toml").write_text("")
    (tmp_path / "helpers.py").write_text(f"WIDTH = 4\nEXTRA = 1\n{HEAVY.replace('pass', 'EXTRA = 2')}DEPTH = 5\n")
    main = tmp_path / "main.py"
    main.write_text(
        "import keras\nfrom helpers import WIDTH, EXTRA, DEPTH\n"
        "a = keras.Sequential([keras.Input((WIDTH,)), keras.layers.Dense(DEPTH)])\n"
        "b = keras.Sequential([keras.Input((WIDTH,)), keras.layers.Dense(EXTRA)])\n"
    )
    analysed = analyze_source(main.read_text(), str(main), Options(limits=Limits(max_statement_steps=5_000)))
    file = json.loads(json_report.render([analysed]))["files"][0]
    assert [line for line, _ in limit_messages(file)] == [2]
    a, b = file["models"]
    assert a["total_params"] == 25  # statements after the cut one still ran
    assert b["total_params"] is None  # EXTRA was being changed when it was cut


def test_the_report_does_not_depend_on_the_clock(monkeypatch):
    """A machine a hundred times slower gives the same report: budgets are counted."""
    source = f"import keras\n{HEAVY}{HEAVY}m = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])\n"
    limits = Limits(max_statement_steps=20_000)
    normal = report(source, limits)

    class SlowClock:
        now = 0.0

        def monotonic(self) -> float:
            self.now += 1.0  # a second per 1,024 steps
            return self.now

    monkeypatch.setattr(semantics, "time", SlowClock())
    assert report(source, limits) == normal
    assert len(limit_messages(normal)) == 2 and normal["models"][0]["total_params"] == 10


def test_the_time_guard_is_kc004_and_the_last_resort(monkeypatch):
    file = report(f"import keras\n{HEAVY}m = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])\n", Limits(max_seconds=0))
    assert [d["code"] for d in file["diagnostics"]] == ["KC004"]
    assert "the rest of the file is not analysed" in file["diagnostics"][0]["message"]


def test_stop_ends_the_analysis_like_the_time_guard():
    asked = []
    file = report(f"import keras\n{HEAVY}m = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])\n",
                  Limits(stop=lambda: not asked.append(1)))
    assert asked and [d["code"] for d in file["diagnostics"]] == ["KC004"]
    assert "no longer wanted" in file["diagnostics"][0]["message"]


def test_a_list_grown_by_a_long_loop_is_unknown_and_the_model_after_it_exact():
    """``pairs += [[a, b]]`` extends in place (linear time); past the loop budget the
    list is unknown, not partial."""
    file = report(
        """\
        import keras
        pairs = []
        for i in range(20000):
            pairs += [[i, i + 1]]
        a = keras.Sequential([keras.Input((4,)), keras.layers.Dense(len(pairs))])
        b = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])
        """
    )
    assert limit_messages(file) == [(3, "a loop ran more than 10,000 times; values computed there are unknown")]
    a, b = file["models"]
    assert a["total_params"] is None and b["total_params"] == 10


def test_a_loop_past_its_budget_is_cut_and_the_function_goes_on():
    """A data loop inside a builder (a training script's data()): the loop is not
    followed to the end, what it changed is unknown, and the model after it is
    built within the same statement."""
    file = report(
        """\
        import keras
        def data():
            rows = []
            for i in range(300):
                for j in range(300):
                    rows.append(j)
            return rows
        def train(width=8):
            rows = data()
            model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(width)])
            other = keras.Sequential([keras.Input((4,)), keras.layers.Dense(len(rows))])
            return model
        if __name__ == "__main__":
            train()
        """,
        Limits(max_loop_steps=20_000),
    )
    assert limit_messages(file) == [(4, "a loop took more than 20,000 interpretation steps; values computed there are unknown")]
    model, other = file["models"]
    assert model["total_params"] == 40 and other["total_params"] is None


def test_a_training_loop_cut_short_keeps_the_splits_its_models_fixed_before():
    """A GAN's loop toggles d.trainable and trains: cut by its budget, it changes
    no model whose split its first compile() fixed; a model compiled after it has
    an unknown split where the flag matters."""
    file = report(
        """\
        import keras
        d = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
        d.compile(loss="mse")
        for epoch in range(300):
            for step in range(300):
                d.trainable = False
                d.train_on_batch(None, None)
                d.trainable = True
        late = keras.Sequential([keras.Input((4,)), d])
        late.compile(loss="mse")
        """,
        Limits(max_loop_steps=20_000),
    )
    d, late = file["models"]
    assert [line for line, _ in limit_messages(file)] == [4]
    assert (d["trainable_params"], d["non_trainable_params"]) == (5, 0)
    assert late["trainable_params"] is None


def test_past_the_files_calls_a_calls_output_is_unknown_and_models_built_before_stay_exact():
    file = report(
        """\
        import keras
        def tower(n):
            inp = x = keras.Input((4,))
            for i in range(n):
                x = keras.layers.Dense(4)(x)
            return keras.Model(inp, x)
        first = tower(3)
        shared = keras.layers.Dense(4)
        a = shared(first.output)
        second = tower(10)
        b = shared(first.output)
        third = keras.Model(first.input, b)
        fourth = keras.Model(first.input, shared.output)
        last = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])
        """,
        Limits(max_calls=8),
    )
    assert limit_messages(file) == [(5, "the models of this file passed 8 layer and operation calls; values computed there are unknown")]
    totals = {m["name"]: m["total_params"] for m in file["models"]}
    assert totals == {"functional": 60, "functional_1": None, "functional_2": None, "functional_3": 80, "sequential": 10}


def test_a_recursion_on_arguments_no_better_known_is_cut_at_once_and_what_it_touched_is_unknown():
    file = report(
        """\
        import keras
        units = [4]

        def convert(x, dtype=None):
            if isinstance(x, (list, tuple)):
                units.append(3)
                return [convert(item) for item in x]
            return x

        def head(x):
            return convert(x)

        head(unknown_value)
        model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(units[-1])])
        exact = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])
        """,
        Limits(max_depth=1_000),  # not reached: the second call of convert() is cut
    )
    [(line, message)] = limit_messages(file)
    assert line == 13 and message.startswith("convert() calls itself with arguments no better known")
    model, exact = file["models"]
    assert model["total_params"] is None  # units may have grown any number of times
    assert exact["total_params"] == 10


def test_a_recursion_on_known_arguments_runs_to_its_end():
    file = report(
        """\
        import keras

        def widths(n, width=None):
            return [] if n == 0 else [8 * n] + widths(n - 1)

        model = keras.Sequential([keras.Input((4,))] + [keras.layers.Dense(w) for w in widths(3)])
        """
    )
    assert limit_messages(file) == []
    assert [layer["output_shape"] for layer in file["models"][0]["layers"]] == [[None, 24], [None, 16], [None, 8]]
