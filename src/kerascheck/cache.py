"""The result cache: a file's report is kept and given again while nothing it
depends on has changed.

An entry is found by the file's name (as reported and on disk), the options
that apply to it, kerascheck's version and code (each of its files' size and
modification time, so a changed kerascheck never reads an old result) and the
environment (Python, libcst, which third-party packages are installed); it holds the digest of the file's
content, what its analysis found on disk (each path it looked at, as a file, a
folder or nothing, and the digest of each module it read: ``Reads``) and the
report.  It is used only while all of those are still the same, so editing a
module re-analyses the files that import it, and creating a module that a file
imported in vain does too.

Entries are JSON (a cache found in a checkout is never code that runs), written
to a temporary file and renamed into place, so a run never reads half an entry
and concurrent runs can share the folder.  A corrupt or stale entry is
recomputed and overwritten; past ``MAX_ENTRIES`` the least recently used go.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kerascheck import __version__
from kerascheck.diagnostics import Diagnostic, Location, Span, TextEdit
from kerascheck.real_paths import real_path
from kerascheck.report import FileReport, LayerReport, ModelReport
from kerascheck.sources import decode
from kerascheck.unknown import Unknown

if TYPE_CHECKING:
    from kerascheck.analysis import Options
    from kerascheck.interpreter.modules import Reads

CACHE_DIR_ENV = "KERASCHECK_CACHE_DIR"
NO_CACHE_ENV = "KERASCHECK_NO_CACHE"
DEFAULT_FOLDER = ".kerascheck_cache"
MAX_ENTRIES = 20_000
GITIGNORE = "# Automatically created by kerascheck.\n*\n"
CACHEDIR_TAG = "Signature: 8a477f597d28d172789f06886806bc55\n# This file is a cache directory tag created by kerascheck.\n"


def disabled() -> bool:
    """Whether ``KERASCHECK_NO_CACHE`` turns the cache off (any value but "", "0" or "false")."""
    return os.environ.get(NO_CACHE_ENV, "").strip().lower() not in ("", "0", "false")


def default_folder(config: Path | None) -> Path:
    """Where the cache is kept when neither ``--cache-dir`` nor ``KERASCHECK_CACHE_DIR``
    says: beside the ``--config`` file, else in the nearest folder at or above the
    current one with a ``pyproject.toml`` or ``.git``, else in the current one."""
    if config is not None:
        return config.resolve().parent / DEFAULT_FOLDER
    here = Path.cwd()
    root = next((p for p in (here, *here.parents) if (p / "pyproject.toml").is_file() or (p / ".git").exists()), here)
    return root / DEFAULT_FOLDER


class ResultCache:
    """The entries of one kerascheck version under ``folder``."""

    def __init__(self, folder: Path) -> None:
        self.root = folder
        self.folder = folder / __version__
        self.disk = _Disk()
        self.environment = _environment()
        self.written = 0
        self.warned = False

    def get(self, path: str, content: bytes, options: Options) -> FileReport | None:
        """The cached report of file ``path`` (as reported; "-": standard input, never
        cached) with ``content`` and ``options``, if its entry is there and still holds."""
        if path == "-":
            return None
        try:
            entry = self._entry_path(path, options)
            with open(entry, encoding="utf-8") as file:
                data = json.load(file)
            if data["digest"] != _digest(content) or not self.disk.unchanged(data["kinds"], data["files"]):
                return None
            report = _report(data["report"], path, content)
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None  # no entry, or a corrupt one: analysed again
        try:
            os.utime(entry)  # recently used: pruned last
        except OSError:
            pass  # a cache that cannot be written is still read
        return report

    def put(self, path: str, content: bytes, options: Options, report: FileReport, reads: Reads) -> None:
        """Keep ``report`` as the entry of ``path`` with ``content`` and ``options``;
        ``reads``: what its analysis found on disk."""
        if path == "-":
            return
        try:
            entry = {
                "digest": _digest(content),
                "kinds": reads.kinds,
                "files": reads.files,
                "report": _report_json(report),
            }
            text = json.dumps(entry, separators=(",", ":"))
        except TypeError:
            return  # a report holding a value the cache cannot write: not kept
        try:
            self._write(self._entry_path(path, options), text)
            self.written += 1
        except OSError as exc:
            self._warn(exc)

    def close(self) -> None:
        """Drop the least recently used entries past ``MAX_ENTRIES`` (when this run wrote any)."""
        if self.written:
            prune(self.folder, MAX_ENTRIES)

    def _entry_path(self, path: str, options: Options) -> Path:
        key = [path, real_path(path), _options(options), self.environment]
        name = hashlib.blake2b(json.dumps(key, default=repr).encode(), digest_size=16).hexdigest()
        return self.folder / name[:2] / name

    def _write(self, path: Path, text: str) -> None:
        if not self.written:  # the first entry of this run: the folder is made and marked
            self.root.mkdir(parents=True, exist_ok=True)
            for name, content in ((".gitignore", GITIGNORE), ("CACHEDIR.TAG", CACHEDIR_TAG)):
                if not (self.root / name).exists():
                    _write_atomic(self.root / name, content)
        path.parent.mkdir(parents=True, exist_ok=True)
        _write_atomic(path, text)

    def _warn(self, exc: OSError) -> None:
        if not self.warned:
            self.warned = True
            print(f"kerascheck: warning: cannot write the cache in {self.root}: {exc.strerror}; "
                  "results are not kept", file=sys.stderr)


def _write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` so that a reader sees the old file or the new one, never part of one."""
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:
            file.write(text)
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise


def prune(folder: Path, keep: int) -> None:
    """Remove the least recently used entries under ``folder`` past ``keep`` (and
    temporary files left by an interrupted run)."""
    entries = []
    for sub in _scan(folder):
        for entry in _scan(Path(sub.path)):
            try:
                entries.append((entry.stat().st_mtime, entry.path))
            except OSError:
                continue
    entries.sort(reverse=True)
    for _, path in entries[keep:]:
        try:
            os.unlink(path)
        except OSError:
            pass


def _scan(folder: Path) -> list[os.DirEntry[str]]:
    try:
        return list(os.scandir(folder))
    except OSError:
        return []


class _Disk:
    """What is on disk now, looked at once per run."""

    def __init__(self) -> None:
        self.kinds: dict[str, str] = {}
        self.digests: dict[str, str | None] = {}

    def unchanged(self, kinds: dict[str, str], files: dict[str, str]) -> bool:
        return all(self.kind(p) == k for p, k in kinds.items()) and all(self.digest(p) == d for p, d in files.items())

    def kind(self, path: str) -> str:
        from kerascheck.interpreter.imports import path_kind

        if path not in self.kinds:
            self.kinds[path] = path_kind(Path(path))
        return self.kinds[path]

    def digest(self, path: str) -> str | None:
        if path not in self.digests:
            try:
                self.digests[path] = _digest(Path(path).read_bytes())
            except OSError:
                self.digests[path] = None
        return self.digests[path]


def _digest(data: bytes) -> str:
    from kerascheck.interpreter.modules import digest

    return digest(data)


def _options(options: Options) -> list[Any]:
    """What of ``options`` a report depends on, as JSON."""
    from kerascheck.rules import all_rules

    reported = options.reports
    return [
        options.data_format,
        options.explain,
        dataclasses.asdict(options.limits),
        [rule.code for rule in options.selected_rules()],
        sorted(options.rule_options.items()),
        [code for code in all_rules() if reported is None or reported(code)],
        sorted(options.input_shapes.items()),
    ]


def _environment() -> list[Any]:
    """What else a report depends on: Python, libcst, the installed packages read from source."""
    from importlib import metadata

    from kerascheck.analysis import modelled
    from kerascheck.interpreter.library import installed_package

    versions: list[str | None] = []
    for distribution in ("libcst", "keras"):
        try:
            versions.append(metadata.version(distribution))
        except metadata.PackageNotFoundError:
            versions.append(None)
    packages = ["keras", *sorted(modelled().source_packages)]
    return [list(sys.version_info[:3]), versions, [str(installed_package(name)) for name in packages], _code()]


def _code() -> str:
    """A digest of kerascheck's own files (name, size, modification time)."""
    package = Path(__file__).resolve().parent
    files = []
    for path in sorted(package.rglob("*.py")):
        info = path.stat()
        files.append([path.relative_to(package).as_posix(), info.st_size, info.st_mtime_ns])
    return hashlib.blake2b(json.dumps(files).encode(), digest_size=16).hexdigest()


# ------------------------------------------------------------------ reports as JSON
def _report_json(report: FileReport) -> dict[str, Any]:
    return {
        "source": bool(report.source),
        "models": [_model_json(m) for m in report.models],
        "diagnostics": [_diagnostic_json(d) for d in report.diagnostics],
        "input_shapes_used": sorted(report.input_shapes_used),
    }


def _report(data: dict[str, Any], path: str, content: bytes) -> FileReport:
    text = decode(content) if data["source"] else ""
    source = text if isinstance(text, str) else ""
    return FileReport(
        path,
        models=[_model(m) for m in data["models"]],
        diagnostics=[_diagnostic(d) for d in data["diagnostics"]],
        source=source,
        input_shapes_used=set(data["input_shapes_used"]),
    )


def _model_json(model: ModelReport) -> dict[str, Any]:
    return {**vars(model), "span": _span_json(model.span), "layers": [_layer_json(layer) for layer in model.layers]}


def _model(data: dict[str, Any]) -> ModelReport:
    return ModelReport(**{**data, "span": _span(data["span"]), "layers": [_layer(layer) for layer in data["layers"]]})


def _layer_json(layer: LayerReport) -> dict[str, Any]:
    return {**vars(layer), "span": _span_json(layer.span), "output_shape": _value_json(layer.output_shape)}


def _layer(data: dict[str, Any]) -> LayerReport:
    return LayerReport(**{**data, "span": _span(data["span"]), "output_shape": _value(data["output_shape"])})


def _span_json(span: Span | None) -> list[int] | None:
    return None if span is None else list(dataclasses.astuple(span))


def _span(data: list[int] | None) -> Span | None:
    return None if data is None else Span(*data)


def _diagnostic_json(diagnostic: Diagnostic) -> dict[str, Any]:
    edits = [[dataclasses.astuple(e.span), e.text] for e in diagnostic.edits]
    related = [[r.path, dataclasses.astuple(r.span), r.message] for r in diagnostic.related]
    return {
        **dataclasses.asdict(diagnostic), "span": dataclasses.astuple(diagnostic.span), "edits": edits, "related": related,
    }


def _diagnostic(data: dict[str, Any]) -> Diagnostic:
    edits = tuple(TextEdit(Span(*span), text) for span, text in data["edits"])
    related = tuple(Location(path, Span(*span), message) for path, span, message in data["related"])
    return Diagnostic(**{**data, "span": Span(*data["span"]), "edits": edits, "related": related})


def _value_json(value: Any) -> Any:
    """A shape (nested tuples and lists of ints, None and unknowns) as JSON that
    keeps tuples and lists apart; any other value raises TypeError."""
    if value is None or type(value) in (int, str, bool, float):
        return value
    if isinstance(value, Unknown):
        return {"unknown": value.reason}
    if type(value) is tuple:
        return {"tuple": [_value_json(v) for v in value]}
    if type(value) is list:
        return [_value_json(v) for v in value]
    raise TypeError(f"not a shape: {type(value).__name__}")


def _value(data: Any) -> Any:
    if isinstance(data, list):
        return [_value(v) for v in data]
    if isinstance(data, dict):
        if "unknown" in data:
            return Unknown(data["unknown"])
        return tuple(_value(v) for v in data["tuple"])
    return data
