"""The analyses of one run share the parse trees of the project's modules
(``interpreter.modules.ParseCache``), and nothing else: a file's report is the
same whether it is analysed alone or with others."""

from __future__ import annotations

import json
import textwrap
from collections import Counter
from pathlib import Path

import libcst as cst
import pytest

from kerascheck.cli import main
from kerascheck.interpreter.engine import Interpreter
from kerascheck.interpreter.modules import ParseCache

# The module's body creates a Keras layer (it takes the auto-name ``dense`` in
# each file's session), and the files that import it change its values.
HELPERS = """
from tensorflow import keras
from tensorflow.keras import layers

WIDTH = 8
REGISTRY = []
CALLS = 0
shared = layers.Dense(4)

def bump():
    global CALLS
    CALLS += 1
    return CALLS

def block(x, units=None):
    REGISTRY.append(units)
    return layers.Dense(units or WIDTH * (len(REGISTRY) + CALLS))(x)
"""

FILES = {
    "helpers.py": HELPERS,
    "broken.py": "import keras\ndef f(:\n",
    "a.py": """
        from tensorflow import keras
        import helpers

        helpers.WIDTH = 64
        helpers.REGISTRY.extend([1, 2, 3])
        helpers.bump()
        inputs = keras.Input((16,))
        outputs = helpers.shared(helpers.block(inputs))
        model = keras.Model(inputs, outputs)
    """,
    "b.py": """
        from tensorflow import keras
        from helpers import block, shared
        import broken

        inputs = keras.Input((16,))
        model = keras.Model(inputs, keras.layers.Dense(2)(shared(block(inputs))))
    """,
    "pkg/__init__.py": "",
    "pkg/blocks.py": "from helpers import block\nfrom helpers import REGISTRY as seen\n",
    "pkg/net.py": """
        from tensorflow import keras
        from .blocks import block, seen

        seen.append(0)
        inputs = keras.Input((4,))
        model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(len(seen) + 1)], name="net")
        other = keras.Model(inputs, block(inputs))
    """,
}


def write(root: Path, files: dict[str, str]) -> list[str]:
    (root / "pyproject.toml").write_text("")
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip())
    return [str(root / name) for name in files]


def summary(capsys, *paths: str, options: tuple[str, ...] = ()) -> dict[str, dict]:
    """Each file's entry of ``kerascheck summary --output-format json``."""
    main(["summary", "--output-format", "json", *options, *paths])
    return {entry["path"]: entry for entry in json.loads(capsys.readouterr().out)["files"]}


def test_a_file_is_reported_the_same_alone_and_with_others(tmp_path, capsys):
    paths = write(tmp_path, FILES)
    alone = {}
    for path in paths:
        alone.update(summary(capsys, path))
    assert [m["name"] for m in alone[paths[2]]["models"]] == ["functional"]
    assert [layer["name"] for layer in alone[paths[3]]["models"][0]["layers"]] == ["dense_2", "dense", "dense_1"]  # as Keras names them
    assert summary(capsys, *paths) == alone
    assert summary(capsys, *reversed(paths)) == alone
    assert summary(capsys, str(tmp_path)) == {path: alone[path] for path in sorted(alone)}


def test_a_module_is_parsed_once_per_run_and_run_by_each_file(tmp_path, capsys, monkeypatch):
    net = "import helpers\nimport keras\nm = keras.Model(i := keras.Input((3,)), helpers.block(i, {}))\n"
    importers = {f"net{n}.py": net.format(n + 1) for n in range(3)}
    write(tmp_path, {"helpers.py": HELPERS, **importers})
    parsed, trees = Counter(), Counter()
    parse, run_module = cst.parse_module, Interpreter.run_module

    def counting_parse(source: str, *args, **kwargs) -> cst.Module:
        parsed[source] += 1
        return parse(source, *args, **kwargs)

    def counting_run(self, module, node) -> None:
        trees[module.name, id(module.tree)] += 1
        run_module(self, module, node)

    monkeypatch.setattr(cst, "parse_module", counting_parse)
    monkeypatch.setattr(Interpreter, "run_module", counting_run)
    files = summary(capsys, str(tmp_path), options=("-j1",))  # counted in this process
    assert [len(f["models"]) for f in files.values()] == [0, 1, 1, 1]
    assert sorted(parsed.values()) == [1, 1, 1, 1]  # helpers.py (analysed and imported) and each importer
    assert list(trees.values()) == [3]  # one tree, its body run in each importer's analysis

    parsed.clear()
    summary(capsys, str(tmp_path), options=("-j1",))
    assert sorted(parsed.values()) == [1, 1, 1, 1]  # a new run parses again


def test_a_file_changed_between_runs_is_read_again(tmp_path, capsys):
    net = "import helpers\nimport keras\nm = keras.Model(i := keras.Input((3,)), helpers.block(i))\n"
    paths = write(tmp_path, {"helpers.py": HELPERS, "net.py": net})

    def units() -> int:
        return summary(capsys, paths[1])[paths[1]]["models"][0]["layers"][-1]["output_shape"][-1]

    assert units() == 8
    (tmp_path / "helpers.py").write_text(textwrap.dedent(HELPERS).replace("WIDTH = 8", "WIDTH = 5"))
    assert units() == 5


def test_the_cache_reparses_a_changed_text_and_keeps_a_bounded_amount(tmp_path, monkeypatch):
    calls = Counter()
    parse = cst.parse_module
    monkeypatch.setattr(cst, "parse_module", lambda source: calls.update([source]) or parse(source))
    cache = ParseCache(max_tokens=10, max_recent_tokens=5)  # each source below: 4 tokens
    a, b, c, m, n = (tmp_path / f"{name}.py" for name in "abcmn")
    first = cache.parse(a, "x = 1\n", imported=True)
    assert cache.parse(a, "x = 1\n", imported=False) is first
    assert cache.parse(a, "x = 2\n", imported=True) is not first
    cache.parse(b, "y = 1\n", imported=True)
    cache.parse(c, "z = 1\n", imported=True)  # past 10 tokens: a.py's tree is dropped
    assert list(cache.imported.entries) == [b, c]
    cache.parse(m, "m = 1\n", imported=False)
    cache.parse(n, "n = 1\n", imported=False)  # past 5 tokens of analysed files: m.py's is dropped
    assert list(cache.recent.entries) == [n]
    cache.parse(n, "n = 1\n", imported=True)  # now kept as a module's
    cache.parse(m, "m = 1\n", imported=True)
    assert list(cache.imported.entries) == [n, m] and not cache.recent.entries
    for _ in range(2):
        with pytest.raises(cst.ParserSyntaxError):
            cache.parse(a, "def f(:\n", imported=True)
    assert calls == Counter({"x = 1\n": 1, "x = 2\n": 1, "y = 1\n": 1, "z = 1\n": 1, "n = 1\n": 1, "m = 1\n": 2, "def f(:\n": 1})
