"""Snippets: names the file reads but never binds are Keras's (``interpreter/snippets.py``);
a bound name never is."""

from __future__ import annotations

import libcst as cst

from helpers import analyze
from kerascheck.interpreter.snippets import unbound_names
from kerascheck.rules.selection import rules_for

CHECK = rules_for("check")


def test_unbound_names_are_those_no_scope_binds():
    module = cst.parse_module(
        "import numpy as np\nfrom keras.layers import Dense\n"
        "def build(units, *, Conv2D=None):\n    x = [LSTM for LSTM in range(3)]\n    return Dense(units), Conv2D, Flatten\n"
        "model.add(Dense(2))\nnet.summary()\nnet.add(Dense(1))\nobj.attr.add(1)\nprint(len(x), f(keyword=2))\n"
    )
    unbound = unbound_names(module)
    assert unbound.names == {"Flatten", "model", "net", "obj", "f"}  # x is bound in build()
    assert unbound.receivers == {"model"}  # net is used before it receives add()


def test_unbound_names_are_found_without_a_libcst_visitor_unless_the_order_of_uses_decides(monkeypatch):
    source = (
        "import keras as k, os.path\nfrom x import (a as b)\nwith open(p) as (f, g):\n    h = f(keyword=Dense)\n"
        "model.add(k.layers.Dense(2))\nmodel.add(Flatten())\nfor i, *rest in q: pass\nclass C:\n    z = [w for w in s if (y := w)]\n"
    )
    expected = ({"p", "Dense", "model", "Flatten", "q", "s"}, {"model"})
    visited = []
    monkeypatch.setattr(cst.Module, "visit", lambda self, visitor: visited.append(visitor))
    unbound = unbound_names(cst.parse_module(source))
    assert (unbound.names, unbound.receivers, visited) == (*expected, [])
    monkeypatch.undo()
    unbound = unbound_names(cst.parse_module(source + "print(model)\n"))  # used otherwise, after: still a receiver
    assert (unbound.names, unbound.receivers) == expected


def test_a_snippet_without_imports_is_keras_code():
    report = analyze("""
        model.add(Dense(8, activation="relu", input_shape=(4,)))
        model.add(Dense(1, activation="sigmoid"))
        model.compile(loss="binary_crossentropy", optimizer="adam")
    """, rules=CHECK)
    [model] = report["models"]
    assert model["total_params"] == 4 * 8 + 8 + 8 + 1
    assert [d["code"] for d in report["diagnostics"]] == ["KC302"]


def test_a_name_the_file_binds_anywhere_is_never_reinterpreted():
    report = analyze("""
        import keras

        def head(Dense):
            return Dense

        layer = Conv2D(8, 3)  # bound below, after this use: Python raises NameError here
        from mylib import Conv2D
        model = keras.Sequential([keras.Input((8, 8, 1)), layer])
    """, rules=CHECK)
    assert not [d for d in report["diagnostics"] if d["code"] == "KC302"]
    assert report["models"][0]["layers"][0]["class"] != "Conv2D"


def test_a_star_import_kerascheck_cannot_read_may_bind_any_name():
    report = analyze("""
        from mylib import *
        model.add(Dense(8, input_shape=(4,)))
    """, rules=CHECK)
    assert report["models"] == [] and not report["diagnostics"]
