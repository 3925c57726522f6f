"""Plain data within the limits on values (``interpreter.sizes``) is computed
exactly; past them (or for an object Python would print by its address) it is
unknown, never wrong, and never takes unbounded time or memory."""

from __future__ import annotations

import textwrap

from helpers import analyze, only_model
from kerascheck.analysis import Options, analyze_source
from kerascheck.interpreter.limits import Limits


def width(setup: str) -> int | None:
    """The parameters of ``Dense(n)`` on 1 input, after ``setup`` computes ``n``."""
    model = only_model("import copy\nimport keras\n" + textwrap.dedent(setup) + "\nmodel = keras.Sequential([keras.Input((1,)), keras.layers.Dense(n)])\n")
    return model["layers"][0]["params"]


def test_values_within_the_limits_are_exact():
    assert width("n = len('ab' * 1000) // 100") == 20 * 2
    assert width("n = (2 ** 1000) % 7 + len(str(10 ** 300))") == 2 * ((2**1000) % 7 + 301)
    assert width("a = [1]\nb = copy.deepcopy([a, a])\nb[0].append(2)\nn = len(b[1])") == 2 * 2  # sharing kept, as Python's
    assert width("e = []\ne.append(e)\nn = len(copy.deepcopy(e)) + len(e)") == 2 * 2


def test_integers_past_their_bits_are_unknown():
    assert width("n = (10**9999 * 10**9999 * 10**9999 * 10**9999) % 7 + 1") is None
    assert width("n = pow(3, 10**5) % 7") is None


def test_text_too_long_or_of_objects_is_unknown():
    assert width("def f():\n    pass\nn = len(str(f))") is None
    assert width("def f():\n    pass\nn = len('{}'.format(f))") is None
    assert width("n = len(f'{1:1000000}')") is None
    assert width("u = 'a' * 1000\nn = len(u.replace('a', u)) // 1000") is None
    assert width("e = []\ne.append(e)\nn = len(str(e))") is None
    assert width("a = [1]\nfor i in range(40):\n    a = [a, a]\nn = len(str(a))") is None


def test_values_made_past_the_files_words_are_unknown_and_said_once():
    source = """\
        import keras
        rows = [list(range(100)) for i in range(100)]
        n = len(list(range(100)))
        m = len(rows)
        model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(n), keras.layers.Dense(m)])
    """
    report = analyze_source(textwrap.dedent(source), "words.py", Options(limits=Limits(max_words=5_000)))
    (limit,) = [d for d in report.diagnostics if d.code == "KC002"]
    assert "5,000 words" in limit.message and limit.span.line == 2
    (model,) = report.models
    assert [layer.params for layer in model.layers] == [None, None]


def test_a_file_that_imports_no_keras_is_not_interpreted(tmp_path, monkeypatch):
    (tmp_path / "helper.py").write_text("def run():\n    while True:\n        pass\n")
    (tmp_path / "layers.py").write_text("import keras\nWIDTH = 4\n")
    (tmp_path / "plain.py").write_text("import helper\nhelper.run()\n")
    (tmp_path / "net.py").write_text("import helper, layers\nm = layers.keras.Sequential([layers.keras.Input((2,)), layers.keras.layers.Dense(layers.WIDTH)])\n")
    assert analyze_source((tmp_path / "plain.py").read_text(), str(tmp_path / "plain.py"), Options()).diagnostics == []
    import kerascheck.analysis as analysis

    monkeypatch.setattr(analysis, "interpret", None)  # any interpretation fails
    assert analyze_source((tmp_path / "plain.py").read_text(), str(tmp_path / "plain.py"), Options()).models == []
    monkeypatch.undo()
    (model,) = analyze_source((tmp_path / "net.py").read_text(), str(tmp_path / "net.py"), Options()).models
    assert model.total == 12
    assert analyze("x = 1\n")["models"] == []


def test_pythons_recursion_limit_reached_ends_the_statement_not_the_file(monkeypatch):
    from kerascheck.interpreter import builtins

    def deep(*args):
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setitem(builtins.PURE, "len", deep)
    source = "import keras\nn = len([1, 2])\nmodel = keras.Sequential([keras.Input((1,)), keras.layers.Dense(2)])\n"
    report = analyze_source(source, "deep.py", Options())
    (limit,) = report.diagnostics
    assert (limit.code, limit.span.line) == ("KC002", 2) and "nested too deeply" in limit.message
    assert [m.total for m in report.models] == [4]


def test_lengths_past_what_pythons_len_takes_are_never_an_internal_error():
    source = """\
        import keras
        import numpy as np
        a = np.arange(0, 2**70)
        b = np.arange(2**62)[::2]
        n = len(range(10**20))
        x = keras.Input((2**70, 3))
        y = x[:, 1:]
        model = keras.Model(x, keras.layers.Dense(2)(y))
    """
    report = analyze_source(textwrap.dedent(source), "long.py", Options())
    assert [d.code for d in report.diagnostics if d.code == "KC000"] == []
    (model,) = report.models
    assert model.layers[-1].output_shape == (None, 2**70 - 1, 2) and model.total == 8


def test_a_limit_hit_is_kept_without_the_frames_it_was_raised_through():
    import libcst as cst

    from kerascheck.interpreter.engine import Interpreter

    source = "def f(n):\n    data = [0] * 10_000\n    return f(n + 1)\nf(0)\n"
    interpreter = Interpreter(cst.parse_module(source))
    interpreter.run()
    (hit,) = interpreter.limit_hits  # calls nested too deep: each frame's values would be kept with it
    assert hit.__traceback__ is None and hit.__context__ is None
