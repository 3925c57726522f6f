"""Generators (``interpreter.generators``): a call runs nothing; the body runs as
far as its items are consumed, interleaved with its consumer as in Python; what
kerascheck cannot follow is unknown, never stale."""

from __future__ import annotations

import textwrap

import libcst as cst

from helpers import analyze, only_model
from kerascheck.analysis import Options, analyze_source


def widths(setup: str, *names: str) -> list[int | None]:
    """The width of ``Dense(name)`` for each of ``names`` after ``setup`` (None: unknown)."""
    layers = ", ".join(f"keras.layers.Dense({name})" for name in names)
    source = "import itertools\nimport keras\n" + textwrap.dedent(setup) + f"\nmodel = keras.Sequential([keras.Input((1,)), {layers}])\n"
    rows = only_model(source)["layers"]
    return [row["output_shape"][-1] if isinstance(row["output_shape"], list) and isinstance(row["output_shape"][-1], int) else None for row in rows]


def test_a_call_runs_nothing_of_the_body():
    assert widths(
        """
        log = []
        def endless():
            log.append(1)
            while True:
                yield 4
        batches = endless()
        n = len(log) + 3
        """,
        "n",
    ) == [3]


def test_next_runs_the_body_to_its_first_yield_and_no_further():
    assert widths(
        """
        log = []
        def two():
            log.append(1)
            yield 5
            log.append(2)
            yield 7
        g = two()
        first = next(g)
        ran = len(log)
        second = next(g)  # not followed: unknown, and so is what the rest of the body changes
        after = len(log)
        """,
        "first",
        "ran",
        "second",
        "after",
    ) == [5, 1, None, None]


def test_a_for_loop_interleaves_with_the_body_and_break_stops_it():
    assert widths(
        """
        seen = []
        def counts():
            while True:
                yield len(seen) + 1
        for n in counts():
            seen.append(n)
            if n == 3:
                break
        total = sum(seen)
        """,
        "total",
    ) == [6]


def test_a_finite_generator_is_consumed_whole():
    model = only_model(
        """
        import keras

        def blocks(sizes):
            for size in sizes:
                yield keras.layers.Dense(size, activation="relu")
            yield keras.layers.Dense(1)

        model = keras.Sequential([keras.Input((3,)), *blocks([8, 4])])
        """
    )
    assert [row["params"] for row in model["layers"]] == [32, 36, 5]
    assert widths(
        """
        def squares(n):
            for i in range(n):
                yield i * i
        total = sum(squares(4))
        count = len(list(squares(5)))
        last = sorted(squares(3))[-1]
        for square in squares(3):
            pass
        else:
            done = 9
        """,
        "total",
        "count",
        "last",
        "done",
    ) == [14, 5, 4, 9]


def test_enumerate_zip_and_islice_consume_lazily():
    assert widths(
        """
        def endless():
            n = 0
            while True:
                n += 1
                yield n
        for step, value in enumerate(endless()):
            if step == 2:
                break
        pairs = list(zip([10, 20], endless()))
        sliced = list(itertools.islice(endless(), 1, 6, 2))
        a = pairs[1][0] + pairs[1][1]
        b = sum(sliced)
        for i, fifth in zip(range(10**12), endless()):  # a range is not listed
            if i == 4:
                break
        """,
        "value",
        "a",
        "b",
        "fifth",
    ) == [3, 22, 2 + 4 + 6, 5]


def test_a_generator_expression_over_a_generator_is_lazy_too():
    assert widths(
        """
        log = []
        def endless():
            n = 0
            while True:
                n += 1
                log.append(n)
                yield n
        doubled = (2 * n for n in endless() if n % 2)
        before = len(log) + 1
        first = next(doubled)
        for third in doubled:  # not followed past next()
            break
        evens = sum(n for n in (2 * m for m in [1, 2, 3]))
        """,
        "before",
        "first",
        "third",
        "evens",
    ) == [1, 2, None, 12]


def test_yield_from_delegates():
    assert widths(
        """
        def inner():
            yield 1
            yield 2
        def outer():
            yield from inner()
            yield from [3, 4]
        total = sum(outer())
        """,
        "total",
    ) == [10]


def test_an_endless_data_generator_costs_no_budget_and_the_models_after_it_are_found():
    source = """
        import numpy as np
        import keras

        def batches(size=8):
            while True:
                yield np.zeros((size, 5)), np.zeros((size, 3))

        class Net(keras.Model):
            def __init__(self):
                super().__init__()
                self.head = keras.layers.Dense(3)

            def call(self, x):
                return self.head(x)

        net = Net()
        net.compile(optimizer="adam", loss="mse")
        net.fit(((x / 255, y) for x, y in batches()), steps_per_epoch=100, epochs=10)
        for x, y in batches():
            net.train_on_batch(x, y)
        after = keras.Sequential([keras.Input((5,)), keras.layers.Dense(2)])
    """
    report = analyze_source(textwrap.dedent(source), "train.py", Options())
    assert [d.code for d in report.diagnostics if d.code in ("KC000", "KC002", "KC004")] == ["KC002"]  # the endless for loop only
    net, after = report.models
    assert [(row.output_shape, row.params) for row in net.layers] == [((None, 3), 18)]
    assert after.total == 12


def test_a_generator_given_to_code_kerascheck_cannot_see_may_have_run():
    assert widths(
        """
        import somewhere
        count = [0]
        def counted():
            while True:
                count[0] += 1
                yield count[0]
        somewhere.consume(counted())
        n = count[0]
        def three():
            yield 1
            yield 2
            yield 3
        numbers = three()
        found = 2 in numbers  # takes the items up to 2
        rest = len(list(numbers))
        """,
        "n",
        "rest",
    ) == [None, None]


def test_a_yield_under_an_unknown_condition_ends_what_is_known():
    assert widths(
        """
        import random
        def maybe():
            yield 1
            if random.random() > 0.5:
                yield 2
            yield 3
        items = list(maybe())
        first = next(maybe())
        """,
        "first",
        "len(items)",
    ) == [1, None]


def test_an_entry_point_that_yields_runs_to_its_first_yield():
    file = analyze(
        """
        import keras

        def model_fixture():
            model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])
            yield model
            del model
        """
    )
    assert [m["total_params"] for m in file["models"]] == [10]


def test_a_budget_spent_in_a_generators_body_is_its_consumers():
    source = """
        import keras
        def slow():
            total = 0
            for i in range(300):
                for j in range(300):
                    total += j
            yield total
        for value in slow():
            width = 3
        model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(2)])
    """
    report = analyze_source(textwrap.dedent(source), "slow.py", Options())
    assert [d.code for d in report.diagnostics] == ["KC002"]
    assert "50,000" in report.diagnostics[0].message and report.diagnostics[0].span.line == 9  # the consumer's loop
    (model,) = report.models
    assert model.total == 4


def test_a_functions_own_yields_are_found_wherever_they_are_written():
    from kerascheck.interpreter.generators import yields

    def body(source: str) -> cst.BaseSuite:
        return cst.ensure_type(cst.parse_module(source).body[0], cst.FunctionDef).body

    for own in ("x = (yield)", "f((yield 1), k=(yield))", "return [(yield) for _ in y]", "with a as b:\n        yield from b",
                "if (yield): pass", "d = {1: (yield)}"):
        assert yields(body(f"def g():\n    {own}\n")), own
    for other in ("def inner():\n        yield 1", "class C:\n        def m(self):\n            yield", "f = lambda: (yield)"):
        assert not yields(body(f"def g():\n    {other}\n")), other
