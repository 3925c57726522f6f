"""Build the real-world benchmark's truth with Keras 3.

    python bench/realworld/truth.py [--repo owner/name] [--mirrors /work/.mirror] [--only ID]

For each manifest, the commit is exported from its ``fetch`` mirror (translated
as the model asks), and each model's driver runs in a fresh Python process with
Keras 3 on the CPU, the checkout's root as its working folder and on
``sys.path``.  The ``model`` it leaves is read the way the oracle reads a fixture's
models (``tests/oracle/oracle_lib.py``: ``recording``, ``summarise``), and written to
``truth/<owner>+<name>.json`` in the terms of ``kerascheck summary
--output-format json``.  A repository whose mirror is missing is skipped; a
driver that fails is reported and the command exits 1 (the other models are
still written).
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import importlib.abc
import importlib.machinery
import json
import os
import subprocess
import sys
import tempfile
import time
import types
from importlib import metadata
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import manifests  # noqa: E402

ORACLE = Path(__file__).resolve().parents[2] / "tests" / "oracle"
TIMEOUT = 900  # seconds for one driver


def model_json(keras_model, line: int | None) -> dict:
    """An ``oracle_lib.KerasModel`` in the terms of kerascheck's JSON report."""
    return {
        "name": keras_model.name,
        "kind": keras_model.kind,
        "line": line,
        "layers": [
            {
                "name": row.name,
                "class": row.cls,
                "line": row.line,
                "output_shape": row.shape,
                "params": row.params,
                "trainable_params": row.trainable,
                "non_trainable_params": row.non_trainable,
            }
            for row in keras_model.rows
        ],
        "total_params": keras_model.total,
        "trainable_params": keras_model.trainable,
        "non_trainable_params": keras_model.non_trainable,
    }


class _StubType(type):
    """Classes standing in for anything of a module that is not installed."""

    def __getattr__(cls, name: str) -> type:
        if name.startswith("__"):
            raise AttributeError(name)
        return _StubType(name, (_Stub,), {})


class _Stub(metaclass=_StubType):
    def __init__(self, *args: object, **kwargs: object) -> None:
        pass

    def __getattr__(self, name: str) -> type:
        if name.startswith("__"):
            raise AttributeError(name)
        return _StubType(name, (_Stub,), {})

    def __call__(self, *args: object, **kwargs: object) -> _Stub:
        return _Stub()


class _StubFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Last on ``sys.meta_path``: a module that is not installed (``skimage``, ``cv2``...)
    is a stand-in whose every attribute is a do-nothing class, so that a model file
    importing it for its data pipeline still imports.  A model that needs such a
    module fails to build instead.  The names stubbed are kept in ``stubbed``."""

    never = {"keras", "tensorflow", "numpy", "tf_keras"}

    def __init__(self) -> None:
        self.stubbed: list[str] = []

    def find_spec(self, name, path=None, target=None):  # noqa: ANN001, ANN201 - importlib's protocol
        if name.split(".")[0] in self.never:
            return None
        if "." not in name:
            self.stubbed.append(name)
        return importlib.machinery.ModuleSpec(name, self, is_package=True)

    def create_module(self, spec):  # noqa: ANN001, ANN201
        module = types.ModuleType(spec.name)
        module.__path__ = []
        module.__getattr__ = lambda attr: getattr(_Stub, attr)  # type: ignore[method-assign]
        return module

    def exec_module(self, module) -> None:  # noqa: ANN001
        pass


def run_until(path: str, stop: int) -> dict:
    """Run the top-level statements of the checkout's script ``path`` that start before
    line ``stop`` (a driver's way to build a script's model without training it),
    as ``__main__`` with its own file name; its global names."""
    source = Path(path).read_text(encoding="utf-8")
    tree = ast.parse(source)
    tree.body = [node for node in tree.body if node.lineno < stop]
    namespace = {"__name__": "__main__", "__file__": str(Path(path).resolve())}
    sys.argv = [path]
    exec(compile(tree, str(Path(path).resolve()), "exec"), namespace)  # noqa: S102 - the checkout's own code
    return namespace


def _no_plots() -> None:
    """``plot_model`` draws nothing (pydot is not installed), under each name of
    ``keras.utils``: scripts call it right after building their models."""
    import tensorflow.keras.utils  # noqa: F401 - tf.keras's copy of the module

    for name, module in list(sys.modules.items()):
        if name.endswith("keras.utils") and hasattr(module, "plot_model"):
            module.plot_model = lambda *args, **kwargs: None


def build(spec: dict) -> dict:
    """Run one driver (in this process: the child) and summarise its ``model``."""
    sys.path.insert(0, str(ORACLE))
    import keras
    import oracle_lib
    from offline_datasets import offline_datasets

    root = Path(spec["checkout"])
    os.chdir(root)
    sys.path.insert(0, str(root))
    filename = os.path.normcase(str((root / spec["path"]).resolve()))
    siblings = frozenset(os.path.normcase(str(p.resolve())) for p in root.rglob("*.py"))
    _no_plots()
    stubs = _StubFinder()
    sys.meta_path.append(stubs)
    namespace: dict = {"__name__": "__driver__", "run_until": run_until}
    recording = oracle_lib.recording(keras, filename, siblings)
    with recording as created, oracle_lib.split_moments(keras) as moments, offline_datasets(keras):
        with contextlib.redirect_stdout(sys.stderr):
            exec(compile(spec["driver"], "<driver>", "exec"), namespace)  # noqa: S102 - our own driver
        model = namespace.get("model")
        if not isinstance(model, keras.Model):
            raise TypeError(f"the driver left `model` = {type(model).__name__}, not a keras.Model")
        lines = {id(obj): line for obj, line, _ in created}
        # the split at the first summary(), else compile(), as kerascheck reports it (README, "Legacy intent")
        with oracle_lib.flags_set(moments[id(model)][1] if id(model) in moments else []):
            result = model_json(oracle_lib.summarise(keras, model, lines), lines.get(id(model)))
    if stubs.stubbed:
        result["stubbed"] = sorted(set(stubs.stubbed))
    return result


def run_driver(checkout: Path, model: manifests.Model) -> tuple[dict | None, str]:
    """(summary, "") of the model the driver builds, or (None, why it failed)."""
    with tempfile.TemporaryDirectory() as tmp:
        spec_file, out_file = Path(tmp) / "spec.json", Path(tmp) / "out.json"
        spec_file.write_text(json.dumps({"checkout": str(checkout), "path": model.path, "driver": model.driver}))
        env = {**os.environ, "CUDA_VISIBLE_DEVICES": "", "TF_CPP_MIN_LOG_LEVEL": "3", "KERAS_BACKEND": "tensorflow"}
        env.pop("PYTHONPATH", None)  # the checkout's modules, not ours, come first
        try:
            proc = subprocess.run(
                [sys.executable, __file__, "--build", str(spec_file), str(out_file)],
                cwd=checkout, env=env, capture_output=True, text=True, timeout=TIMEOUT,
            )
        except subprocess.TimeoutExpired:
            return None, f"timed out after {TIMEOUT} s"
        if proc.returncode != 0 or not out_file.exists():
            tail = "\n".join(proc.stderr.strip().splitlines()[-12:])
            return None, f"exit {proc.returncode}:\n{tail}"
        return json.loads(out_file.read_text()), ""


def truth_for(manifest: manifests.Manifest, mirrors: Path, only: set[str]) -> bool:
    """Write (update) ``manifest``'s truth file; False when a driver failed."""
    plain = manifests.checkout(mirrors, manifest)
    if plain is None:
        print(f"{manifest.repo}: skipped (no mirror under {mirrors})")
        return True
    path = manifest.truth_path
    old = json.loads(path.read_text()) if path.exists() else {}
    models = old.get("models", {}) if old.get("commit") == manifest.commit else {}
    ok = True
    for model in manifest.models:
        if only and model.id not in only:
            continue
        root = manifests.checkout(mirrors, manifest, model.translate) if model.translate else plain
        assert root is not None
        start = time.monotonic()
        result, error = run_driver(root, model)
        took = time.monotonic() - start
        if result is None:
            ok = False
            print(f"{manifest.repo} {model.id}: FAILED ({took:.0f} s) {error}")
            continue
        note = ""
        if result["line"] is not None and result["line"] != model.line:
            note = f"  !! Keras constructed it at line {result['line']} of {model.path}, the manifest says {model.line}"
        if result.get("stubbed"):
            note += f"  (stand-ins for {', '.join(result['stubbed'])})"
        print(f"{manifest.repo} {model.id}: {len(result['layers'])} rows, {result['total_params']:,} params ({took:.0f} s){note}")
        models[model.id] = result
    ids = [m.id for m in manifest.models]
    ordered = {i: models[i] for i in ids if i in models}
    path.parent.mkdir(exist_ok=True)
    document = {"repo": manifest.repo, "commit": manifest.commit, "keras": metadata.version("keras"), "models": ordered}
    path.write_text(dumps(document))
    return ok


def dumps(document: dict) -> str:
    """The truth file's text: one line per layer, so that a change shows as a short diff."""
    head = {k: v for k, v in document.items() if k != "models"}
    lines = ["{"] + [f" {json.dumps(k)}: {json.dumps(v)}," for k, v in head.items()] + [' "models": {']
    for i, (name, model) in enumerate(document["models"].items()):
        fields = {k: v for k, v in model.items() if k != "layers"}
        lines.append(f"  {json.dumps(name)}: {{")
        lines += [f"   {json.dumps(k)}: {json.dumps(v)}," for k, v in fields.items()]
        rows = [f"    {json.dumps(row)}" for row in model["layers"]]
        lines.append('   "layers": [' + ("\n" + ",\n".join(rows) + "\n   ]" if rows else "]"))
        lines.append("  }" + ("," if i < len(document["models"]) - 1 else ""))
    lines += [" }", "}"]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repo", help="only this repository (owner/name)")
    parser.add_argument("--mirrors", type=Path, default=manifests.MIRRORS, help="where fetch put the mirrors")
    parser.add_argument("--only", action="append", default=[], metavar="ID", help="only this model id (repeatable)")
    parser.add_argument("--build", nargs=2, metavar=("SPEC", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.build:
        spec = json.loads(Path(args.build[0]).read_text())
        Path(args.build[1]).write_text(json.dumps(build(spec)))
        return 0
    ok = True
    for manifest in manifests.all_manifests(args.repo):
        ok &= truth_for(manifest, args.mirrors, set(args.only))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
