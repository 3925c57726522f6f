"""The bad inputs measured on kerascheck (issue 13), each generated here: each
ends in its documented diagnostic, in bounded memory (the child process is
capped, ``capped.py``) and a bounded number of steps, and the model after it
is still found.

Before the limits: 10,000 nested brackets took 193 s and 10.6 GB (libcst),
nested lists 15.8 GB, nested calls aborted the process, ``10**9999`` chains ran
past 120 s, string doubling reached 4.8 GB; a model's name asked of a ResNet's output
tensor (its repr, every path through the graph) took 10 GB.
"""

from __future__ import annotations

import pytest

from tests.robustness.capped import PEAK_MB, analyze_capped

MODEL = "model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3)])\n"
N = 10_000

#: name: (source, the codes reported, the models' totals)
CASES = {
    "nested parentheses": ("x = " + "(" * N + "1" + ")" * N + "\n", ["KC001"], []),
    "nested lists": ("x = " + "[" * N + "]" * N + "\n", ["KC001"], []),
    "nested calls": ("x = " + "f(" * N + "1" + ")" * N + "\n", ["KC001"], []),
    "nested calls, as deep as Python allows": (
        "def f(x):\n    return x\nx = " + "f(" * 200 + "1" + ")" * 200 + "\n" + MODEL,
        [],
        [15],
    ),
    "a long chain of operators": ("x = " + " + ".join(["1"] * N) + "\n" + MODEL, ["KC002"], []),
    "a long chain of unary operators": ("x = " + "not " * N + "1\n" + MODEL, ["KC002"], []),
    "a long chain of subscripts": ("x = [0]" + "[0]" * N + "\n" + MODEL, ["KC002"], []),
    "too many levels of indentation": ("".join("    " * i + "if x:\n" for i in range(120)) + "    " * 120 + "pass\n", ["KC001"], []),
    "too many tokens": ("x = [" + "1, " * 60_000 + "]\n" + MODEL, ["KC002"], []),
    "10**9999 multiplied by itself": ("x = 10**9999\n" + "x = x * x\n" * 40 + MODEL, [], [15]),
    "10**9999 chained": ("x = " + " * ".join(["10**9999"] * 200) + "\n" + MODEL, [], [15]),
    "string doubling": ("s = 'ab'\n" + "s = s + s\n" * 64 + "t = b'ab'\nfor i in range(64):\n    t += t\n" + MODEL, [], [15]),
    "list doubling by spreading": ("a = [1]\nfor i in range(64):\n    a = [*a, *a]\n" + MODEL, [], [15]),
    "a list nested in itself, printed and copied": (
        "import copy\na = [1]\nfor i in range(64):\n    a = [a, a]\ns = str(a)\nb = copy.deepcopy(a)\nc = a == b\nd = {str(a): 1}\n"
        "e = []\ne.append(e)\nf = str(e)\n" + MODEL,
        [],
        [15],
    ),
    "a list held in itself, given to NumPy and to a layer": (
        "import numpy as np\ne = []\ne.append(e)\nx = np.array(e)\na = [1]\nfor i in range(40):\n    a = [a, a]\ny = np.array(a)\n"
        "z = keras.layers.Concatenate()(e)\n" + MODEL,
        [],
        [15],
    ),
    "a list of a trillion tensors, shared, given to a layer and to NumPy": (
        "import numpy as np\na = [keras.Input((3,))]\nfor i in range(40):\n    a = [a, a]\nz = keras.layers.Concatenate()(a)\nw = np.array(a)\n"
        + MODEL,
        [],
        [15],
    ),
    "a list held 100,000 times": ("big = [0] * 100_000\nrows = [big] * 100_000\ns = str(rows)\nt = sorted(rows)\n" + MODEL, [], [15]),
    "strings widened by format": (
        "a = f'{1:1000000000}'\nb = '{:1000000000}'.format(1)\nc = 'x'.ljust(10**9)\nu = 'a' * 90_000\n"
        "v = u.replace('a', u)\nw = u.join([u] * 90_000)\n" + MODEL,
        [],
        [15],
    ),
    "a graph of a trillion paths, named in messages": (
        "inp = x = keras.Input((4,))\nfor i in range(60):\n    x = keras.layers.Add()([x, x])\nm = keras.Model(inp, x)\n"
        "layer = m.get_layer(x)\ndense = keras.layers.Dense(x)\n" + MODEL,
        [],
        [0, 15],
    ),
    "large models built over and over": (
        "def tower(n):\n    inp = x = keras.Input((8, 8, 4))\n    for i in range(n):\n"
        "        x = keras.layers.Conv2D(4, 3, padding='same')(x) + x\n    return keras.Model(inp, x)\n"
        "first = tower(10)\n" + "".join(f"m{k} = tower(5000)\n" for k in range(6)) + MODEL,
        ["KC002"],
        [1480, 740_000, 740_000, 740_000, 740_000, None, None, 15],
    ),
    "values made in a loop": ("rows = [list(range(100_000)) for i in range(10_000)]\n" + MODEL, ["KC002"], [15]),
}


@pytest.mark.slow  # a child process each: about a second
@pytest.mark.parametrize("name", CASES)
def test_bad_input_ends_in_its_diagnostic_in_bounded_memory(name):
    source, codes, totals = CASES[name]
    result = analyze_capped("import keras\n" + source)
    assert result.codes == codes, result.diagnostics
    assert result.totals == totals
    assert result.peak_mb < PEAK_MB
    assert result.steps < 1_000_000
