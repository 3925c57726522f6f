"""The oracle: what real Keras 3 builds from a fixture, and kerascheck's report of it.

``record_keras(path)`` executes a fixture file with real Keras (its
``keras.datasets`` served offline, see ``offline_datasets``) and returns every
model the file constructed, in construction order, with the row list Keras's
``model.summary()`` would print (minus ``InputLayer`` rows): class, name, output
shape, trainable / non-trainable counts and the line of the fixture where each
row's layer (or operation) was constructed.  The counts are those of the
model's first ``summary()`` call, else of its first ``compile()``, else of the
end of the run (README, "Legacy intent").

``run_kerascheck(path)`` runs ``kerascheck summary --output-format json`` in
process and returns the parsed, schema-checked report.

``compare(expected, report, ...)`` returns a list of human-readable problems
(empty when kerascheck agrees with Keras), with a per-layer diff table;
``stale_marks`` the ``# oracle: unknown`` marks kerascheck no longer needs, and
``unknown_promise`` what a fixture in ``fixtures/unknown/`` fails to keep.
"""

from __future__ import annotations

import contextlib
import io
import json
import math
import os
import re
import runpy
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from offline_datasets import offline_datasets

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
UNKNOWN_MARK = re.compile(r"#\s*oracle:\s*unknown\b")
TWIN_SUFFIX = ".keras3.py"

# --------------------------------------------------------------------------
# Fixture discovery


def fixture_files() -> list[Path]:
    """Every fixture file (twins excluded: they stand in for their original)."""
    return sorted(
        p
        for p in FIXTURES.rglob("*.py")
        if not p.name.endswith(TWIN_SUFFIX) and "__pycache__" not in p.parts
    )


#: fixtures whose run under Keras takes seconds (``pytest --durations``): the tests
#: over them are marked ``slow``
SLOW_FIXTURES = {
    "constructs/datasets_cifar10.py",  # NumPy steps on the CIFAR-10 stand-in's 50,000 images
}


def fixture_params(paths: list[Path]) -> list:
    """``paths`` as ``pytest.param``s named by their path under fixtures/, the slow ones marked."""
    import pytest

    params = []
    for path in paths:
        name = str(path.relative_to(FIXTURES))
        marks = [pytest.mark.slow] if name in SLOW_FIXTURES else []
        params.append(pytest.param(path, id=name, marks=marks))
    return params


def twin_of(path: Path) -> Path | None:
    twin = path.with_name(path.name[: -len(".py")] + TWIN_SUFFIX)
    return twin if twin.exists() else None


LINES_ALIGNED_MARK = re.compile(r"#\s*oracle:\s*lines-aligned\b")


LEGACY_INTENT_MARK = re.compile(r"#\s*oracle:\s*legacy-intent\b")


def legacy_intent(twin: Path) -> bool:
    """A twin marked ``# oracle: legacy-intent`` stands for an original that Keras 3
    runs but whose legacy argument it ignores (``Embedding(input_length=N)``):
    kerascheck keeps the argument's Keras 1/2 meaning, which the twin spells out."""
    return bool(LEGACY_INTENT_MARK.search(twin.read_text(encoding="utf-8")))


def lines_aligned(twin: Path) -> bool:
    """A twin marked ``# oracle: lines-aligned`` constructs everything on the same
    lines as its original, so constructor lines are compared for it too."""
    return bool(LINES_ALIGNED_MARK.search(twin.read_text(encoding="utf-8")))


def unknown_lines(path: Path) -> set[int]:
    """Lines carrying a trailing ``# oracle: unknown`` mark."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return {i for i, text in enumerate(lines, start=1) if UNKNOWN_MARK.search(text)}


# --------------------------------------------------------------------------
# What Keras builds


@dataclass
class Row:
    name: str
    cls: str
    line: int | None
    shape: Any  # list (one output) / list of lists (several) / None (unknown)
    trainable: int | None
    non_trainable: int | None

    @property
    def params(self) -> int | None:
        if self.trainable is None or self.non_trainable is None:
            return None
        return self.trainable + self.non_trainable


@dataclass
class KerasModel:
    name: str
    cls: str
    kind: str
    line: int | None
    rows: list[Row]
    trainable: int
    non_trainable: int

    @property
    def total(self) -> int:
        return self.trainable + self.non_trainable


@dataclass
class Recording:
    models: list[KerasModel] = field(default_factory=list)
    stdout: str = ""


def _count(weights) -> int:
    return int(sum(math.prod(w.shape) for w in weights))


#: where Keras's application constructors are (``_locate``)
APPLICATIONS = os.path.normcase(os.path.join("keras", "src", "applications", ""))


def _locate(obj, filename: str, siblings: frozenset[str] = frozenset()) -> tuple[int | None, bool]:
    """(line in ``filename`` where ``obj`` is being constructed, constructed directly there?).

    Frames running ``obj``'s own ``__init__``/``__new__`` chain (including a
    fixture-defined subclass's ``__init__``) are skipped, so the line is the
    constructor *call*.  "Directly" means the first frame outside that chain is
    in the fixture or one of its ``siblings`` (modules of the same project it
    calls), not inside Keras (e.g. the InputLayer a Sequential adds); a
    ``keras.applications`` constructor counts as the fixture's own code (the
    model ``ResNet50(...)`` makes is one the fixture builds).
    """
    frame = sys._getframe(2)
    direct: bool | None = None
    line = None
    while frame is not None:
        code = frame.f_code
        if code.co_name in ("__init__", "__new__") and frame.f_locals.get("self") is obj:
            frame = frame.f_back
            continue
        where = os.path.normcase(os.path.abspath(code.co_filename))
        in_file = where == filename
        if direct is None and (in_file or APPLICATIONS not in where):
            direct = in_file or where in siblings
        if in_file:
            line = frame.f_lineno
            break
        frame = frame.f_back
    return line, bool(direct)


@contextlib.contextmanager
def recording(keras, filename: str, siblings: frozenset[str] = frozenset()):
    """Patch ``Operation.__init__`` to note each operation's constructor line, and
    ``Layer.__call__`` to note the output shape of each call (``CALL_SHAPES``: a
    layer called inside a subclassed model's call() leaves no node)."""
    from keras.src.layers.layer import Layer
    from keras.src.ops.operation import Operation

    created: list[tuple[Any, int | None, bool]] = []
    seen: set[int] = set()
    original = Operation.__init__
    original_call = Layer.__call__
    CALL_SHAPES.clear()

    def patched(self, *args, **kwargs):
        if id(self) not in seen:
            seen.add(id(self))
            line, direct = _locate(self, filename, siblings)
            created.append((self, line, direct))
        return original(self, *args, **kwargs)

    def called(self, *args, **kwargs):
        outputs = original_call(self, *args, **kwargs)
        try:
            CALL_SHAPES.setdefault(id(self), []).append(_shape_of(outputs))
        except Exception:  # noqa: BLE001 - an output without a shape: not recorded
            CALL_SHAPES.setdefault(id(self), []).append(None)
        return outputs

    Operation.__init__ = patched
    Layer.__call__ = called
    try:
        yield created
    finally:
        Operation.__init__ = original
        Layer.__call__ = original_call


#: id(layer) → the output shape of each of its calls, while a fixture runs
CALL_SHAPES: dict[int, list] = {}


@contextlib.contextmanager
def split_moments(keras):
    """Patch ``Model.summary`` and ``Model.compile`` to note, for each model, the
    trainable flags of the layers in it at its first ``summary()``, else at its
    first ``compile()``: the split kerascheck reports (README, "Legacy intent").
    Yields id(model) → (the call, the flags)."""
    moments: dict[int, tuple[str, list]] = {}
    originals = {name: getattr(keras.Model, name) for name in ("summary", "compile")}
    inherited = [name for name in originals if name not in keras.Model.__dict__]  # compile is Trainer's

    def noting(name, original):
        def run(self, *args, **kwargs):
            noted = moments.get(id(self))
            if noted is None or (noted[0] == "compile" and name == "summary"):
                moments[id(self)] = (name, _flags(self))
            return original(self, *args, **kwargs)

        return run

    for name, original in originals.items():
        setattr(keras.Model, name, noting(name, original))
    try:
        yield moments
    finally:
        for name, original in originals.items():
            if name in inherited:
                delattr(keras.Model, name)
            else:
                setattr(keras.Model, name, original)


def _flags(model) -> list:
    """The ``trainable`` flag of the model and of each layer in it."""
    return [(layer, layer.trainable) for layer in model._flatten_layers()]


@contextlib.contextmanager
def flags_set(flags: list):
    """``flags`` (``_flags``'s) in force for a while.  A layer's trainable variables
    follow its flag, as Keras's setter makes them (also those built since)."""
    now = [(layer, layer._trainable, [(v, v._trainable) for v in layer._trainable_variables]) for layer, _ in flags]
    try:
        for layer, flag in flags:
            object.__setattr__(layer, "_trainable", flag)
            for variable in layer._trainable_variables:
                variable._trainable = flag
        yield
    finally:
        for layer, flag, variables in now:
            object.__setattr__(layer, "_trainable", flag)
            for variable, variable_flag in variables:
                variable._trainable = variable_flag


@contextlib.contextmanager
def _global_keras_state(keras):
    """Restore the process-wide settings a fixture may change."""
    fmt = keras.config.image_data_format()
    floatx = keras.config.floatx()
    epsilon = keras.config.epsilon()
    policy = keras.config.dtype_policy()
    try:
        yield
    finally:
        keras.config.set_image_data_format(fmt)
        keras.config.set_floatx(floatx)
        keras.config.set_epsilon(epsilon)
        keras.config.set_dtype_policy(policy)


def model_kind(keras, model) -> str:
    from keras.src.models.functional import Functional

    if isinstance(model, keras.Sequential):
        return "sequential"
    if isinstance(model, Functional):
        return "functional"
    return "subclassed"


def _shape_of(outputs) -> Any:
    from keras.src import tree

    flat = tree.flatten(outputs)
    shapes = [list(t.shape) for t in flat]
    return shapes[0] if len(shapes) == 1 else shapes


def _row_shape(op, graph_nodes) -> Any:
    """The output shape of ``op``'s call that belongs to the model being summarised."""
    nodes = list(op._inbound_nodes)
    if graph_nodes is not None:
        nodes = [n for n in nodes if id(n) in graph_nodes]
    if nodes:
        return _shape_of(nodes[-1].output_tensors)
    if graph_nodes is None and id(op) in CALL_SHAPES:
        # A subclassed model's layers are called inside call(), which leaves no
        # node: the shape its calls returned, if they all agree.
        shapes = CALL_SHAPES[id(op)]
        return shapes[0] if all(shape == shapes[0] for shape in shapes) else None
    if graph_nodes is None and getattr(op, "_build_shapes_dict", None):
        # Built without a call: like model.summary(), the shape it was built for.
        try:
            out = op.compute_output_shape(**op._build_shapes_dict)
        except Exception:
            return None
        if all(d is None or isinstance(d, int) for d in out):
            return list(out)
        return [list(s) for s in out]
    return None


def summarise(keras, model, lines: dict[int, int | None]) -> KerasModel:
    from keras.src.layers.core.input_layer import InputLayer
    from keras.src.layers.layer import Layer

    kind = model_kind(keras, model)
    if kind == "sequential":
        ops = model.layers
        graph = model._functional
    elif kind == "functional":
        ops = model._operations
        graph = model
    else:
        ops = model.layers
        graph = None
    graph_nodes = None
    if graph is not None:
        graph_nodes = {id(n) for nodes in graph._nodes_by_depth.values() for n in nodes}
    rows = []
    for op in ops:
        if isinstance(op, InputLayer):
            continue
        if isinstance(op, Layer):
            if op.built:
                trainable = _count(op.trainable_weights)
                non_trainable = _count(op.non_trainable_weights)
            else:  # Keras prints "0 (unbuilt)": it does not know either
                trainable = non_trainable = None
        else:  # a plain operation (x + y, keras.ops.*) has no weights
            trainable = non_trainable = 0
        rows.append(
            Row(
                name=op.name,
                cls=type(op).__name__,
                line=lines.get(id(op)),
                shape=_row_shape(op, graph_nodes),
                trainable=trainable,
                non_trainable=non_trainable,
            )
        )
    return KerasModel(
        name=model.name,
        cls=type(model).__name__,
        kind=kind,
        line=lines.get(id(model)),
        rows=rows,
        trainable=_count(model.trainable_weights),
        non_trainable=_count(model.non_trainable_weights),
    )


def record_keras(keras, path: Path, *, run=None, siblings=(), free_memory=True) -> Recording:
    """Run ``path`` with real Keras; every model it constructs, in order.

    ``run`` (default: execute ``path`` as ``__main__`` from its own folder)
    may instead be any callable that builds models from code in ``path``.
    Models constructed in one of ``siblings`` (other files of the project that
    ``path`` calls) count too; lines are always those of ``path``.
    ``free_memory=False`` skips the garbage collection of ``clear_session``
    (a third of a second each time: for many small runs).
    """
    path = Path(path).resolve()
    filename = os.path.normcase(str(path))
    others = frozenset(os.path.normcase(str(Path(s).resolve())) for s in siblings)
    keras.backend.clear_session(free_memory=free_memory)
    out = io.StringIO()
    with _global_keras_state(keras), recording(keras, filename, others) as created, split_moments(keras) as moments:
        if run is None:
            cwd = os.getcwd()
            os.chdir(path.parent)
            sys.path.insert(0, str(path.parent))
            try:
                with contextlib.redirect_stdout(out), offline_datasets(keras):
                    runpy.run_path(str(path), run_name="__main__")
            finally:
                sys.path.remove(str(path.parent))
                os.chdir(cwd)
        else:
            with contextlib.redirect_stdout(out):
                run()
        lines = {id(obj): line for obj, line, _ in created}
        models = [obj for obj, _, direct in created if direct and isinstance(obj, keras.Model)]
        summaries = []
        for model in models:
            with flags_set(moments[id(model)][1] if id(model) in moments else []):
                summaries.append(summarise(keras, model, lines))
        result = Recording(models=summaries, stdout=out.getvalue())
    keras.backend.clear_session(free_memory=free_memory)
    return result


_CACHE: dict[Path, Recording] = {}


def fixture_recording(keras, path: Path) -> Recording:
    """``record_keras`` of a fixture (its twin if it has one), once per test session."""
    path = Path(path).resolve()
    if path not in _CACHE:
        _CACHE[path] = record_keras(keras, twin_of(path) or path)
    return _CACHE[path]


# --------------------------------------------------------------------------
# What kerascheck reports


class ReportError(AssertionError):
    pass


def run_kerascheck(path: Path, capsys) -> tuple[int | None, dict]:
    """``kerascheck summary --output-format json PATH`` in process, parsed and checked."""
    try:
        from kerascheck.cli import main
    except ImportError as exc:  # the CLI is not written yet
        raise ReportError(f"kerascheck.cli is not importable: {exc!r}") from exc
    capsys.readouterr()
    rc = main(["summary", "--output-format", "json", str(path)])
    captured = capsys.readouterr()
    try:
        report = json.loads(captured.out)
    except json.JSONDecodeError as exc:
        raise ReportError(
            f"kerascheck printed no JSON (rc={rc}): {exc}\n"
            f"stdout:\n{captured.out[:2000]}\nstderr:\n{captured.err[:2000]}"
        ) from exc
    problems = check_schema(report)
    if problems:
        raise ReportError("kerascheck's JSON breaks the schema:\n  " + "\n  ".join(problems[:30]))
    return rc, report


def _is_int(v) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _is_dim(v) -> bool:
    return v is None or v == "?" or _is_int(v)


def _is_shape(v) -> bool:
    return isinstance(v, list) and all(_is_dim(d) for d in v)


def _is_output_shape(v) -> bool:
    if v is None or _is_shape(v):
        return True
    return isinstance(v, list) and len(v) > 0 and all(x is None or _is_shape(x) for x in v)


def check_schema(report) -> list[str]:
    """The JSON schema of ``kerascheck summary --output-format json``, checked by hand."""
    p: list[str] = []

    def keys(obj, where, required, optional=()):
        if not isinstance(obj, dict):
            p.append(f"{where}: not an object")
            return False
        missing = [k for k in required if k not in obj]
        extra = [k for k in obj if k not in required and k not in optional]
        if missing:
            p.append(f"{where}: missing {missing}")
        if extra:
            p.append(f"{where}: unexpected {extra}")
        return not missing

    def count(v, where):
        if not (v is None or _is_int(v)):
            p.append(f"{where}: {v!r} is neither an int nor null")

    if not keys(report, "report", ("version", "files")):
        return p
    if report["version"] != 1:
        p.append(f"version is {report['version']!r}, not 1")
    if not isinstance(report["files"], list):
        return p + ["files: not a list"]
    for i, f in enumerate(report["files"]):
        w = f"files[{i}]"
        if not keys(f, w, ("path", "models", "diagnostics")):
            continue
        if not isinstance(f["path"], str):
            p.append(f"{w}.path: not a string")
        for j, m in enumerate(f["models"] if isinstance(f["models"], list) else []):
            wm = f"{w}.models[{j}]"
            if not keys(m, wm, ("name", "line", "kind", "layers", "total_params", "trainable_params", "non_trainable_params"), ("context", "unknown_reason")):
                continue
            if not isinstance(m["name"], str):
                p.append(f"{wm}.name: not a string")
            if not _is_int(m["line"]):
                p.append(f"{wm}.line: not an int")
            if m["kind"] not in ("sequential", "functional", "subclassed"):
                p.append(f"{wm}.kind: {m['kind']!r}")
            for k in ("context", "unknown_reason"):
                if k in m and not isinstance(m[k], str):
                    p.append(f"{wm}.{k}: not a string")
            for k in ("total_params", "trainable_params", "non_trainable_params"):
                count(m[k], f"{wm}.{k}")
            for k, layer in enumerate(m["layers"] if isinstance(m["layers"], list) else []):
                wl = f"{wm}.layers[{k}]"
                if not keys(layer, wl, ("name", "class", "line", "output_shape", "params", "trainable_params", "non_trainable_params"), ("unknown_reason",)):
                    continue
                if not isinstance(layer["name"], str) or not isinstance(layer["class"], str):
                    p.append(f"{wl}: name/class not strings")
                if not _is_int(layer["line"]):
                    p.append(f"{wl}.line: not an int")
                if not _is_output_shape(layer["output_shape"]):
                    p.append(f"{wl}.output_shape: {layer['output_shape']!r}")
                for key in ("params", "trainable_params", "non_trainable_params"):
                    count(layer[key], f"{wl}.{key}")
        if not isinstance(f["diagnostics"], list):
            p.append(f"{w}.diagnostics: not a list")
            continue
        for j, d in enumerate(f["diagnostics"]):
            keys(d, f"{w}.diagnostics[{j}]", ("code", "name", "severity", "line", "column", "end_line", "end_column", "message"),
                 ("fix",))
    return p


def file_report(report: dict, path: Path) -> dict:
    files = report["files"]
    if len(files) != 1:
        raise ReportError(f"expected one file in the report of {path}, got {len(files)}")
    return files[0]


# --------------------------------------------------------------------------
# Comparison


def _unknown_shape(shape) -> bool:
    if shape is None:
        return True
    if isinstance(shape, list):
        return any(_unknown_shape(d) if isinstance(d, list) else d == "?" for d in shape)
    return False


def fmt_shape(shape) -> str:
    if shape is None:
        return "?"
    if shape and all(isinstance(s, list) or s is None for s in shape) and any(isinstance(s, list) for s in shape):
        return "[" + ", ".join(fmt_shape(s) for s in shape) + "]"
    return "(" + ", ".join("None" if d is None else str(d) for d in shape) + ")"


def fmt_count(t, nt) -> str:
    def f(v):
        return "?" if v is None else f"{v:,}"

    return f"{f(t)}/{f(nt)}"


def _table(headers: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(headers)]
    out = ["  ".join(h.ljust(w) for h, w in zip(headers, widths)).rstrip()]
    out.append("  ".join("-" * w for w in widths))
    for r in rows:
        out.append("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip())
    return "\n".join(out)


def _models_table(expected: list[KerasModel], got: list[dict]) -> str:
    rows = []
    for i in range(max(len(expected), len(got))):
        e = expected[i] if i < len(expected) else None
        g = got[i] if i < len(got) else None
        rows.append(
            [
                str(i),
                f"{e.name} ({e.kind}) L{e.line} {len(e.rows)} rows {e.total:,}" if e else "-",
                f"{g.get('name')} ({g.get('kind')}) L{g.get('line')} {len(g.get('layers') or [])} rows {g.get('total_params')}"
                + (f" [{g['context']}]" if g.get("context") else "")
                if g
                else "-",
            ]
        )
    return _table(["#", "keras", "kerascheck"], rows)


def compare_model(
    e: KerasModel,
    g: dict,
    *,
    allowed_unknown: set[int],
    compare_lines: bool,
    compare_names: bool = True,
) -> list[str]:
    """Problems with kerascheck's model ``g`` against Keras's ``e`` (a diff table if any)."""
    problems: list[str] = []
    header = []
    if g["kind"] != e.kind:
        header.append(f"kind: keras {e.kind!r}, kerascheck {g['kind']!r}")
    if compare_lines and g["line"] != e.line:
        header.append(f"model line: keras {e.line}, kerascheck {g['line']}")
    if compare_names and g["name"] != e.name:
        header.append(f"model name: keras {e.name!r}, kerascheck {g['name']!r}")
    layers = g["layers"]
    if len(layers) != len(e.rows):
        header.append(f"row count: keras {len(e.rows)}, kerascheck {len(layers)}")

    has_marked = False
    table_rows = []
    bad_rows = 0
    for i in range(max(len(e.rows), len(layers))):
        er = e.rows[i] if i < len(e.rows) else None
        gr = layers[i] if i < len(layers) else None
        issues = []
        if er is None or gr is None:
            issues.append("missing row")
        else:
            marked = gr["line"] in allowed_unknown or (er.line in allowed_unknown)
            # Totals may be unknown where a row may be: marked, or unknown to Keras
            # itself (a layer of a model Keras never built).
            has_marked |= marked or er.shape is None or er.params is None
            if gr["class"] != er.cls:
                issues.append("class")
            if compare_names and gr["name"] != er.name:
                issues.append("name")
            if compare_lines and gr["line"] != er.line:
                issues.append("line")
            # output shape
            if er.shape is None:
                if not _unknown_shape(gr["output_shape"]) and not marked:
                    issues.append("shape (keras does not know it)")
            elif _unknown_shape(gr["output_shape"]):
                if not marked:
                    issues.append("shape unknown")
                elif gr["output_shape"] is not None and not _partial_match(gr["output_shape"], er.shape):
                    issues.append("shape")
            elif gr["output_shape"] != er.shape:
                issues.append("shape")
            # counts
            for key, want in (
                ("trainable_params", er.trainable),
                ("non_trainable_params", er.non_trainable),
                ("params", er.params),
            ):
                have = gr[key]
                if have is None:
                    if not marked and want is not None:
                        issues.append(f"{key} unknown")
                elif want is None:
                    if not marked:
                        issues.append(f"{key} (keras does not know it)")
                elif have != want:
                    issues.append(key)
        if issues:
            bad_rows += 1
            count_keys = [f"{k} unknown" for k in ("trainable_params", "non_trainable_params", "params")]
            if all(k in issues for k in count_keys):
                issues = [i for i in issues if i not in count_keys] + ["counts unknown"]
            count_keys = [f"{k} (keras does not know it)" for k in ("trainable_params", "non_trainable_params", "params")]
            if all(k in issues for k in count_keys):
                issues = [i for i in issues if i not in count_keys] + ["counts (keras does not know them)"]
        table_rows.append(
            [
                ("!! " if issues else "   ") + str(i),
                f"{er.name} {er.cls} L{er.line}" if er else "-",
                fmt_shape(er.shape) if er else "-",
                fmt_count(er.trainable, er.non_trainable) if er else "-",
                f"{gr['name']} {gr['class']} L{gr['line']}" if gr else "-",
                fmt_shape(gr["output_shape"]) if gr else "-",
                fmt_count(gr["trainable_params"], gr["non_trainable_params"]) if gr else "-",
                ", ".join(dict.fromkeys(issues)),
            ]
        )

    for key, want in (
        ("total_params", e.total),
        ("trainable_params", e.trainable),
        ("non_trainable_params", e.non_trainable),
    ):
        have = g[key]
        if have is None:
            if not has_marked:
                header.append(f"{key}: keras {want:,}, kerascheck unknown")
        elif have != want:
            header.append(f"{key}: keras {want:,}, kerascheck {have:,}")

    if header or bad_rows:
        title = f"model {e.name!r} ({e.kind}, line {e.line}) vs kerascheck {g['name']!r} line {g['line']}"
        if g.get("context"):
            title += f" [{g['context']}]"
        table = _table(
            ["row", "keras layer", "keras shape", "keras t/nt", "kerascheck layer", "kerascheck shape", "kerascheck t/nt", "mismatch"],
            table_rows,
        )
        problems.append(title + "".join("\n  " + h for h in header) + "\n" + table)
    return problems


def _partial_match(got, want) -> bool:
    """A partly known shape agrees with Keras wherever it is known."""
    if got is None:
        return True
    if len(got) != len(want):
        return False
    for g, w in zip(got, want):
        if isinstance(g, list) or isinstance(w, list):
            if not (isinstance(g, list) and isinstance(w, list) and _partial_match(g, w)):
                return False
        elif g != "?" and g != w:
            return False
    return True


def compare(
    recording: Recording,
    file_entry: dict,
    *,
    allowed_unknown: set[int],
    compare_lines: bool,
    compare_names: bool = True,
) -> list[str]:
    expected = recording.models
    got = file_entry["models"]
    if len(expected) != len(got):
        return [
            f"model count: keras built {len(expected)}, kerascheck reports {len(got)}\n"
            + _models_table(expected, got)
        ]
    problems: list[str] = []
    for i, (e, g) in enumerate(zip(expected, got)):
        for p in compare_model(e, g, allowed_unknown=allowed_unknown, compare_lines=compare_lines, compare_names=compare_names):
            problems.append(f"[model #{i}] {p}")
    return problems


def exact(er: Row, gr: dict) -> bool:
    """kerascheck's row ``gr`` is Keras's ``er`` exactly: shape and counts known and equal."""
    if er.shape is None or er.trainable is None or er.non_trainable is None:
        return False
    return (
        not _unknown_shape(gr["output_shape"])
        and gr["output_shape"] == er.shape
        and (gr["trainable_params"], gr["non_trainable_params"], gr["params"]) == (er.trainable, er.non_trainable, er.params)
    )


def stale_marks(recording: Recording, file_entry: dict, *, marks: set[int], twin_marks: set[int] = frozenset()) -> list[str]:
    """``# oracle: unknown`` marks kerascheck no longer needs: every row constructed on
    the marked line is reported exactly (``exact``).

    ``marks`` are lines of the file kerascheck reads (matched with its rows'
    lines), ``twin_marks`` lines of its oracle twin (matched with Keras's).  Rows
    are paired by position, so nothing is said unless the model and row counts
    agree (``compare`` reports it when they do not).
    """
    expected, got = recording.models, file_entry["models"]
    if len(expected) != len(got) or any(len(e.rows) != len(g["layers"]) for e, g in zip(expected, got)):
        return []
    on_line: dict[tuple[str, int], list[tuple[Row, dict]]] = {}
    for e, g in zip(expected, got):
        for er, gr in zip(e.rows, g["layers"]):
            if gr["line"] in marks:
                on_line.setdefault(("", gr["line"]), []).append((er, gr))
            if er.line in twin_marks:
                on_line.setdefault((" of the oracle twin", er.line), []).append((er, gr))
    problems = []
    for (where, line), pairs in sorted(on_line.items()):
        if all(exact(er, gr) for er, gr in pairs):
            rows = "; ".join(
                f"{gr['name']} ({gr['class']}) {fmt_shape(gr['output_shape'])} "
                f"{fmt_count(gr['trainable_params'], gr['non_trainable_params'])}"
                for _, gr in pairs
            )
            problems.append(
                f"stale mark: `# oracle: unknown` on line {line}{where}, but kerascheck reports "
                f"what is built there exactly as Keras does ({rows}): remove the mark"
            )
    return problems


def reported_unknown(row: dict) -> bool:
    """kerascheck reports ``row``'s output shape or one of its counts unknown."""
    counts = (row["params"], row["trainable_params"], row["non_trainable_params"])
    return _unknown_shape(row["output_shape"]) or any(c is None for c in counts)


def unknown_promise(file_entry: dict, marks: set[int]) -> list[str]:
    """What a fixture in ``fixtures/unknown/`` promises: it has ``# oracle: unknown``
    marks, and kerascheck reports every row constructed on a marked line unknown
    (``reported_unknown``)."""
    if not marks:
        return ["no `# oracle: unknown` mark: a fixture in unknown/ marks the rows kerascheck must report unknown"]
    rows = [row for model in file_entry["models"] for row in model["layers"]]
    problems = []
    for line in sorted(marks):
        on_line = [row for row in rows if row["line"] == line]
        if not on_line:
            problems.append(f"line {line} is marked, but kerascheck reports no row constructed there")
        for row in on_line:
            if not reported_unknown(row):
                problems.append(
                    f"line {line}: kerascheck reports {row['name']} ({row['class']}) fully, "
                    f"{fmt_shape(row['output_shape'])} {fmt_count(row['trainable_params'], row['non_trainable_params'])}, "
                    "where unknown/ promises it unknown (move the model out of unknown/ if kerascheck now follows it)"
                )
    return problems


def describe(recording: Recording) -> str:
    """Keras's side alone, as a table per model (for debugging fixtures)."""
    parts = []
    for m in recording.models:
        rows = [
            [str(i), r.name, r.cls, f"L{r.line}", fmt_shape(r.shape), fmt_count(r.trainable, r.non_trainable)]
            for i, r in enumerate(m.rows)
        ]
        parts.append(
            f"{m.name} ({m.kind}, {m.cls}) line {m.line}: total {m.total:,} "
            f"(trainable {m.trainable:,}, non-trainable {m.non_trainable:,})\n"
            + _table(["#", "name", "class", "line", "shape", "t/nt"], rows)
        )
    return "\n\n".join(parts)


if __name__ == "__main__":  # python tests/oracle/oracle_lib.py FIXTURE...: Keras's side
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")
    import keras as _keras

    for _arg in sys.argv[1:]:
        _path = Path(_arg)
        _twin = twin_of(_path.resolve())
        print(f"=== {_arg}" + (f" (twin {_twin.name})" if _twin else ""))
        try:
            print(describe(record_keras(_keras, _twin or _path)))
        except BaseException as _exc:  # keep going: show every broken fixture
            import traceback

            traceback.print_exc()
            print(f"FIXTURE FAILED: {_arg}: {_exc!r}")
