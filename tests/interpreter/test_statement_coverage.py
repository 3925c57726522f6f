"""Every statement and expression form libcst has is interpreted or gives an unknown result, never skipped.

Each case builds one model ``m`` through the form it is named after.  kerascheck
must report ``m`` with either Keras's exact parameter count or an unknown one:
a form it skips would drop a layer and give a wrong number.  The quick tests
check the table covers every form of the installed libcst and that kerascheck
analyses each case; the oracle test runs each case with Keras.
"""

from __future__ import annotations

import inspect
import textwrap
from importlib.metadata import version

import libcst as cst
import pytest

from kerascheck.interpreter.engine import Interpreter
from kerascheck.interpreter.statements import COMPOUND, Statements
from tests.helpers import analyze

HEAD = "import keras\nfrom keras.layers import Dense\nm = keras.Sequential([keras.Input(shape=(8,))])\n"
TAIL = "m.add(Dense(2))\n"

#: libcst node type -> code using it (between HEAD and TAIL)
STATEMENTS = {
    "AnnAssign": "w: int = 4\nm.add(Dense(w))",
    "Assert": "assert m.add(Dense(4)) is None",
    "Assign": "w = 4; m.add(Dense(w))",
    "AugAssign": "w = 2\nw *= 2\nm.add(Dense(w))",
    "Break": "for w in (4, 8):\n    m.add(Dense(w))\n    break",
    "ClassDef": "class Wide:\n    units = 4\nm.add(Dense(Wide.units))",
    "Continue": "for w in (3, 4):\n    if w == 3: continue\n    m.add(Dense(w))",
    "Del": "ws = [3, 4]\ndel ws[0]\nm.add(Dense(ws[0]))",
    "Expr": "m.add(Dense(4))",
    "For": "for w in (4, 4): m.add(Dense(w))",
    "FunctionDef": "def add(model):\n    model.add(Dense(4))\nadd(m)",
    "Global": "W = 2\ndef widen():\n    global W\n    W = 4\nwiden()\nm.add(Dense(W))",
    "If": "if not m.layers: m.add(Dense(4))\nelse: m.add(Dense(5))",
    "Import": "import math\nm.add(Dense(math.floor(4.5)))",
    "ImportFrom": "from math import floor\nm.add(Dense(floor(4.5)))",
    "LazyImport": "lazy import math\nm.add(Dense(math.floor(4.5)))",
    "LazyImportFrom": "lazy from math import floor\nm.add(Dense(floor(4.5)))",
    "Match": "match 4:\n    case w: m.add(Dense(w))",
    "Nonlocal": (
        "def outer():\n    w = 2\n    def inner():\n        nonlocal w\n        w = 4\n    inner()\n    return w\n"
        "m.add(Dense(outer()))"
    ),
    "Pass": "pass\nm.add(Dense(4))",
    "Raise": "try:\n    raise ValueError('x')\nexcept ValueError:\n    m.add(Dense(4))",
    "Return": "def width():\n    return 4\nm.add(Dense(width()))",
    "Try": "try:\n    m.add(Dense(4))\nexcept Exception:\n    pass",
    "TryStar": "try:\n    m.add(Dense(4))\nexcept* ValueError:\n    pass",
    "TypeAlias": "type Width = int\nm.add(Dense(4))",
    "While": "n = 2\nwhile n: n -= 1; m.add(Dense(4))",
    "With": "import contextlib\nwith contextlib.suppress(ValueError): m.add(Dense(4))",
}
EXPRESSIONS = {
    "Attribute": "m.add(keras.layers.Dense(4))",
    "Await": (
        "import asyncio\nasync def build():\n    await asyncio.sleep(0)\n    m.add(Dense(4))\nasyncio.run(build())"
    ),
    "BinaryOperation": "m.add(Dense(2 * 2))",
    "BooleanOperation": "m.add(Dense(0 or 4))",
    "Call": "m.add(Dense(int('4')))",
    "Comparison": "m.add(Dense(4 if 3 < 4 else 5))",
    "ConcatenatedString": "m.add(Dense(4, name='de' 'nse'))",
    "Dict": "cfg = {'units': 4}\nm.add(Dense(**cfg))",
    "DictComp": "cfg = {k: 4 for k in ['units']}\nm.add(Dense(**cfg))",
    "Ellipsis": "e = ...\nm.add(Dense(4 if e is ... else 5))",
    "Float": "m.add(Dense(int(4.0)))",
    "FormattedString": "m.add(Dense(4, name=f'd{4}'))",
    "GeneratorExp": "m.add(Dense(sum(1 for _ in range(4))))",
    "IfExp": "m.add(Dense(4) if m.layers == [] else Dense(5))",
    "Imaginary": "m.add(Dense(int((4j).imag)))",
    "Integer": "m.add(Dense(4))",
    "Lambda": "width = lambda: 4\nm.add(Dense(width()))",
    "List": "m.add(Dense([4][0]))",
    "ListComp": "m.add(Dense([w for w in (4,)][0]))",
    "Name": "w = 4\nm.add(Dense(w))",
    "NamedExpr": "m.add(Dense((w := 4)))",
    "Set": "m.add(Dense(len({1, 2, 3, 4})))",
    "SetComp": "m.add(Dense(len({w for w in range(4)})))",
    "SimpleString": "m.add(Dense(4, name='dense_four'))",
    "StarredDictComp": "cfg = {**d for d in [{'units': 4}]}\nm.add(Dense(**cfg))",
    "StarredElement": "m.add(Dense([*[4]][0]))",
    "Subscript": "m.add(Dense((4, 5)[0]))",
    "TemplatedString": "m.add(Dense(4 if t'{m}' else 5))",
    "Tuple": "m.add(Dense((4, 5)[0]))",
    "UnaryOperation": "m.add(Dense(-(-4)))",
    "Yield": "def widths():\n    yield 4\nm.add(Dense(next(widths())))",
}
CASES = {**STATEMENTS, **EXPRESSIONS}
#: forms the Python that runs the tests may not run (newer than 3.10): the oracle runs this twin instead
TWINS = {
    "TryStar": "try:\n    m.add(Dense(4))\nexcept ValueError:\n    pass",
    "LazyImport": "import math\nm.add(Dense(math.floor(4.5)))",
    "LazyImportFrom": "from math import floor\nm.add(Dense(floor(4.5)))",
    "TypeAlias": "Width = int\nm.add(Dense(4))",
    "StarredDictComp": "cfg = {k: v for d in [{'units': 4}] for k, v in d.items()}\nm.add(Dense(**cfg))",
    "TemplatedString": "m.add(Dense(4))",
}


def source(code: str) -> str:
    return HEAD + textwrap.dedent(code) + "\n" + TAIL


def libcst_forms(base: type) -> set[str]:
    return {name for name, cls in inspect.getmembers(cst, inspect.isclass) if issubclass(cls, base) and not name.startswith("Base")}


def forms_in(code: str) -> set[str]:
    found: set[str] = set()

    class Collector(cst.CSTVisitor):
        def on_visit(self, node: cst.CSTNode) -> bool:
            found.add(type(node).__name__)
            return True

    cst.parse_module(code).visit(Collector())
    return found


def test_every_statement_form_of_libcst_has_a_case_or_falls_back():
    """A form newer than this table (a later libcst) is run by the interpreter's
    fallback for what it does not model; a form it handles itself needs a case."""
    forms = libcst_forms(cst.BaseCompoundStatement) | libcst_forms(cst.BaseSmallStatement)
    handled = set(STATEMENTS) | {"SimpleStatementLine", "SimpleStatementSuite"}
    for form in forms - handled:
        assert getattr(cst, form) not in COMPOUND, f"{form} is interpreted: add a case for it"
        assert form not in inspect.getsource(Statements.exec_small), f"{form} is interpreted: add a case for it"


def test_every_expression_form_of_libcst_has_a_case_or_falls_back():
    for form in libcst_forms(cst.BaseExpression) - set(EXPRESSIONS):
        assert not hasattr(Interpreter, f"eval_{form}"), f"{form} is interpreted: add a case for it"


def test_the_installed_libcst_has_no_form_without_a_case():
    """On the libcst this project is tested with, every form has a case (the
    fallback is for forms of later versions)."""
    forms = libcst_forms(cst.BaseCompoundStatement) | libcst_forms(cst.BaseSmallStatement) | libcst_forms(cst.BaseExpression)
    missing = forms - set(CASES)
    if missing:
        pytest.skip(f"libcst {version('libcst')} has forms newer than this table: {sorted(missing)}")


PRESENT = sorted(form for form in CASES if hasattr(cst, form))


@pytest.mark.parametrize("form", PRESENT)
def test_each_case_uses_its_form_and_is_analysed(form):
    code = source(CASES[form])
    assert form in forms_in(code)
    report = analyze(code)
    assert [d["code"] for d in report["diagnostics"]] == []
    assert [m["name"] for m in report["models"]] == ["sequential"]


@pytest.mark.parametrize("form", PRESENT)
def test_each_case_is_exact_or_unknown(keras, form):
    code = TWINS.get(form, CASES[form])
    namespace: dict = {"__name__": "__main__"}
    exec(compile(source(code), f"<{form}>", "exec"), namespace)  # noqa: S102 - the oracle runs our own case
    truth = namespace["m"].count_params()
    (model,) = analyze(source(CASES[form]))["models"]
    assert model["total_params"] in (truth, None), f"{form}: kerascheck {model['total_params']}, Keras {truth}"
