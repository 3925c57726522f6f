"""Bad input ends in a diagnostic for that file, never a traceback, and quickly."""

from __future__ import annotations

import time

import pytest

from kerascheck.analysis import Options, analyze_bytes, analyze_source
from kerascheck.interpreter.limits import Limits

SMALL_MODEL = "import keras\nm = keras.Sequential([keras.layers.Dense(3, input_shape=(4,))])\n"


def codes(report) -> list[str]:
    return [d.code for d in report.diagnostics]


def test_syntax_error_is_kc001_with_position():
    report = analyze_source("import keras\nx = (\n", "bad.py", Options())
    assert codes(report) == ["KC001"]
    assert report.diagnostics[0].span.line >= 2


def test_binary_and_non_utf8_files_are_kc003_and_huge_ones_kc010():
    assert codes(analyze_bytes(b"keras\0\1\2", "bin.py", Options())) == ["KC003"]
    assert codes(analyze_bytes(b"import keras\n\xff\xfe", "latin.py", Options())) == ["KC003"]
    huge = b"import keras\n" + b"x = 1\n" * 1_000_000
    start = time.perf_counter()
    assert codes(analyze_bytes(huge, "huge.py", Options())) == ["KC010"]
    assert time.perf_counter() - start < 5


def test_infinite_loop_is_stopped_and_the_model_after_it_still_found():
    source = "import keras\nwhile True:\n    pass\n" + SMALL_MODEL
    report = analyze_source(source, "loop.py", Options(limits=Limits(max_iterations=1_000)))
    assert codes(report) == ["KC002"]
    assert report.models[0].total == 15


def test_unbounded_recursion_is_stopped():
    source = "import keras\ndef f(n):\n    return f(n + 1)\nf(0)\n" + SMALL_MODEL
    report = analyze_source(source, "rec.py", Options())
    assert codes(report) == ["KC002"]
    assert report.models[0].total == 15


def test_step_budget_ends_the_statement_with_a_diagnostic_and_the_model_after_it_still_found():
    source = "import keras\nfor i in range(10**6):\n    x = i * 2\n" + SMALL_MODEL
    report = analyze_source(source, "steps.py", Options(limits=Limits(max_steps=5_000, min_statement_steps=1_000)))
    assert codes(report) == ["KC002"]
    assert report.models[0].total == 15


def test_deeply_nested_expression_does_not_crash():
    source = "import keras\nx = " + "(" * 200 + "1" + ")" * 200 + "\n" + SMALL_MODEL  # Python's deepest
    from kerascheck.deep_stack import with_deep_stack

    report = with_deep_stack(analyze_source, source, "deep.py", Options())
    assert report.models[0].total == 15


def test_huge_values_are_not_materialised():
    source = "import keras\nx = 'a' * 10**9\ny = 10 ** 10 ** 10\nz = list(range(10**12))\n" + SMALL_MODEL
    start = time.perf_counter()
    report = analyze_source(source, "big.py", Options())
    assert time.perf_counter() - start < 5
    assert report.models[0].total == 15


def test_file_without_keras_is_skipped_unparsed():
    report = analyze_source("def f(:\n", "plain.py", Options())
    assert report.models == [] and report.diagnostics == []


def test_float_sizes_are_kc105_and_unknown_never_a_float_count():
    source = (
        "import keras\n"
        "w, h, c = 28, 28, 1\n"
        "m = keras.Sequential([keras.Input((784,)), keras.layers.Dense((w * h * c) / 2), keras.layers.Dense(10)])\n"
    )
    report = analyze_source(source, "f.py", Options())
    assert codes(report) == ["KC105"]
    assert "392.0" in report.diagnostics[0].message
    (model,) = report.models
    assert model.total is None
    assert all(layer.params is None for layer in model.layers)


@pytest.mark.slow  # 10,000+ layers: about a second
def test_ten_thousand_layer_loop_is_exact_and_every_rule_stays_linear():
    source = (
        "import keras\n"
        "model = keras.Sequential([keras.Input((32,))])\n"
        "for i in range(10000):\n"
        "    model.add(keras.layers.Dense(32, activation='relu'))\n"
        "model.add(keras.layers.Dense(10, activation='softmax'))\n"
    )
    from kerascheck.deep_stack import with_deep_stack
    from kerascheck.rules import all_rules

    start = time.perf_counter()
    report = with_deep_stack(analyze_source, source, "loop.py", Options(rules=tuple(all_rules().values())))
    assert time.perf_counter() - start < 60  # a hang guard: a quadratic rule took minutes here
    (model,) = report.models
    assert len(model.layers) == 10_001
    assert model.total == 10_000 * (32 * 32 + 32) + 32 * 10 + 10
    assert [d.code for d in report.diagnostics if d.severity != "info"] == []


@pytest.mark.slow  # 10,000+ layers: about a second
def test_a_loop_past_the_budget_is_a_diagnostic_and_unknown():
    source = (
        "import keras\n"
        "model = keras.Sequential([keras.Input((8,))])\n"
        "for i in range(20000):\n"
        "    model.add(keras.layers.Dense(8))\n"
    )
    from kerascheck.deep_stack import with_deep_stack

    report = with_deep_stack(analyze_source, source, "loop.py", Options())
    assert codes(report) == ["KC002"]
    assert "10,000" in report.diagnostics[0].message
    assert report.models[0].total is None


@pytest.mark.slow  # 10,000+ layers: about a second
def test_a_functional_chain_past_the_budget_is_unknown_not_partial():
    source = (
        "import keras\n"
        "x = inp = keras.Input((8,))\n"
        "for i in range(20000):\n"
        "    x = keras.layers.Dense(8)(x)\n"
        "model = keras.Model(inp, x)\n"
    )
    from kerascheck.deep_stack import with_deep_stack

    report = with_deep_stack(analyze_source, source, "chain.py", Options())
    assert codes(report) == ["KC002"]
    assert all(model.total is None for model in report.models)


@pytest.mark.slow
def test_reports_do_not_depend_on_pythons_hash_seed():
    """Same input, same report: Python's per-process string hashing (set order) and
    object addresses must not leak into a report."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    folder = Path(__file__).resolve().parents[1] / "fixtures" / "constructs"
    outputs = []
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        command = [sys.executable, "-m", "kerascheck", "summary", "--output-format", "json", str(folder)]
        outputs.append(subprocess.run(command, env=env, capture_output=True, text=True, check=True).stdout)
    assert outputs[0] == outputs[1]


@pytest.mark.parametrize(
    "statement",
    [
        "for _ in range(depth): pass",  # a builder run with its default depth=None
        "for _ in range(depth / 2 if depth else 2.5): pass",  # Python 2's integer division
        "text = json.dumps({0: 'a', 'b': 1})",  # keys Python cannot order
        "a = [1]; a @= [2]",  # every augmented operator
    ],
)
def test_python_raising_at_run_time_is_that_path_unknown_never_an_internal_error(statement):
    source = f"""import json
import keras
def build(depth=None):
    {statement}
    return keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
"""
    report = analyze_source(source, "builder.py", Options())
    assert not [d for d in report.diagnostics if d.code == "KC000"], report.diagnostics
    assert report.models[0].total == 8


def test_every_augmented_assignment_operator_is_interpreted():
    import libcst as cst

    from kerascheck.interpreter.operators import AUGOPS

    operators = {kind for kind in vars(cst).values() if isinstance(kind, type) and issubclass(kind, cst.BaseAugOp)}
    assert operators - {cst.BaseAugOp} <= set(AUGOPS)
