"""Score kerascheck against the real-world benchmark's truth.

    python bench/realworld/score.py [--mirrors /work/.mirror] [--repo owner/name] [-v]

Each manifest's commit is exported (untranslated) from its ``fetch`` mirror and
kerascheck analyses each model's ``path`` as ``kerascheck summary
--output-format json PATH`` run from the checkout's root would, in process and
with kerascheck's defaults (no configuration); only the interpreter's time
limit, a last resort against a loaded machine, is lifted, so that the figures
never depend on the machine's load (its step budgets stay).  The model is the
one kerascheck reports at the manifest's ``line`` (``missed`` when there is
none), compared with ``truth/<owner>+<name>.json``:

- exact: the same rows (class, output shape, counts) and totals as Keras;
- wrong: a concrete value that differs from Keras (a total, a row count of a
  model whose totals kerascheck gives, a class, a shape dimension or a count);
  an unknown (``"?"``, null) is never wrong;
- unknown: neither;
- missed: no model reported at that line.

A repository whose mirror is missing is skipped.  This is a report: it exits 0
unless its own arguments are wrong.
"""

from __future__ import annotations

import argparse
import contextlib
import difflib
import json
import math
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import manifests  # noqa: E402

COUNTS = ("params", "trainable_params", "non_trainable_params")
TOTALS = ("total_params", "trainable_params", "non_trainable_params")
VERDICTS = ("exact", "wrong", "unknown", "missed")


# ------------------------------------------------------------------ classification
@dataclass
class Verdict:
    kind: str  # one of VERDICTS
    detail: str  # the first differing value (wrong), the first unknown one (unknown)
    layers_exact: int
    layers: int  # rows in the truth


def _is_multi(shape: Any) -> bool:
    return isinstance(shape, list) and len(shape) > 0 and all(s is None or isinstance(s, list) for s in shape)


def shape_difference(want: Any, got: Any) -> str | None:
    """Where kerascheck's shape ``got`` contradicts Keras's ``want`` (None: nowhere).
    An unknown shape (null) or dimension (``"?"``) contradicts nothing."""
    if got is None or want is None:
        return None
    if _is_multi(want) or _is_multi(got):
        if not (_is_multi(want) and _is_multi(got)) or len(want) != len(got):
            return "outputs"
        for i, (w, g) in enumerate(zip(want, got)):
            inner = shape_difference(w, g)
            if inner:
                return f"output {i} {inner}"
        return None
    if len(want) != len(got):
        return "rank"
    for axis, (w, g) in enumerate(zip(want, got)):
        if g != "?" and g != w:
            return f"axis {axis}"
    return None


def _fmt_shape(shape: Any) -> str:
    if shape is None:
        return "?"
    if _is_multi(shape):
        return "[" + ", ".join(_fmt_shape(s) for s in shape) + "]"
    return "(" + ", ".join("None" if d is None else str(d) for d in shape) + ")"


def row_difference(want: dict, got: dict) -> str | None:
    """The first value of kerascheck's row ``got`` that contradicts Keras's ``want``."""
    if got["class"] != want["class"]:
        return f"class: keras {want['class']}, kerascheck {got['class']}"
    where = shape_difference(want["output_shape"], got["output_shape"])
    if where:
        return f"shape ({where}): keras {_fmt_shape(want['output_shape'])}, kerascheck {_fmt_shape(got['output_shape'])}"
    for key in COUNTS:
        if got[key] is not None and want[key] is not None and got[key] != want[key]:
            return f"{key}: keras {want[key]:,}, kerascheck {got[key]:,}"
    return None


def row_exact(want: dict, got: dict) -> bool:
    return all(got[key] == want[key] for key in ("class", "output_shape", *COUNTS))


def _row_unknown(got: dict) -> str | None:
    """What kerascheck leaves unknown in a row (None: nothing)."""
    shape = got["output_shape"]
    flat = [d for s in shape for d in (s or ["?"])] if _is_multi(shape) else (shape or ["?"])
    if shape is None or "?" in flat:
        return f"shape {_fmt_shape(shape)}"
    missing = [key for key in COUNTS if got[key] is None]
    return f"{', '.join(missing)} unknown" if missing else None


def classify(truth: dict, got: dict | None) -> Verdict:
    """How kerascheck's model ``got`` (its JSON report's entry, None when it reported
    none) compares with Keras's ``truth``."""
    want_rows = truth["layers"]
    if got is None:
        return Verdict("missed", "no model reported at that line", 0, len(want_rows))
    rows = got["layers"]
    uncertain = got["total_params"] is None
    wrong = []
    for key in TOTALS:
        if got[key] is not None and got[key] != truth[key]:
            wrong.append(f"{key}: keras {truth[key]:,}, kerascheck {got[key]:,}")
    if len(rows) == len(want_rows):
        pairs = list(zip(want_rows, rows))
        for i, (w, g) in enumerate(pairs):
            difference = row_difference(w, g)
            if difference:
                wrong.append(f"row {i} {w['name']}: {difference}")
        layers_exact = sum(row_exact(w, g) for w, g in pairs)
    else:
        if not uncertain:
            wrong.insert(0, f"row count: keras {len(want_rows)}, kerascheck {len(rows)}")
        layers_exact = _aligned_exact(want_rows, rows)
    if wrong:
        return Verdict("wrong", wrong[0], layers_exact, len(want_rows))
    if len(rows) == len(want_rows) and layers_exact == len(rows) and all(got[k] == truth[k] for k in TOTALS):
        return Verdict("exact", "", layers_exact, len(want_rows))
    return Verdict("unknown", _first_unknown(truth, got), layers_exact, len(want_rows))


def _aligned_exact(want_rows: list[dict], rows: list[dict]) -> int:
    """Rows kerascheck reports exactly, when its row count differs: the longest run of
    rows common to both in order."""
    def key(row: dict) -> str:
        return json.dumps([row[k] for k in ("class", "output_shape", *COUNTS)])

    matcher = difflib.SequenceMatcher(a=[key(r) for r in want_rows], b=[key(r) for r in rows], autojunk=False)
    return sum(block.size for block in matcher.get_matching_blocks())


def _first_unknown(truth: dict, got: dict) -> str:
    if len(got["layers"]) != len(truth["layers"]):
        reason = f" ({got['unknown_reason']})" if got.get("unknown_reason") else ""
        return f"row count: keras {len(truth['layers'])}, kerascheck {len(got['layers'])}, totals unknown{reason}"
    for i, g in enumerate(got["layers"]):
        unknown = _row_unknown(g)
        if unknown:
            reason = g.get("unknown_reason") or got.get("unknown_reason") or ""
            return f"row {i} {g['name']} ({g['class']}): {unknown}" + (f": {reason}" if reason else "")
    return "totals unknown" + (f": {got['unknown_reason']}" if got.get("unknown_reason") else "")


def pick(models: list[dict], line: int, truth: dict, context: str = "") -> dict | None:
    """kerascheck's model created at ``line`` (whose context contains ``context``).

    A call can create several models at one line (helpers' models on the way,
    the blocks of a subclassed model): the one of Keras's kind, then of its name
    if one has it, else the last (``m = build()`` returns the model made last)."""
    found = [m for m in models if m["line"] == line and context in (m.get("context") or "")]
    for narrower in (lambda m: m["kind"] == truth["kind"], lambda m: m["name"] == truth["name"]):
        found = [m for m in found if narrower(m)] or found
    return found[-1] if found else None


# ------------------------------------------------------------------ running kerascheck
def kerascheck_report(root: Path, path: str, cache: Any) -> tuple[dict, float]:
    """kerascheck's JSON report of ``path`` (relative to the checkout ``root``), as the
    command line prints it from ``root``, and the seconds it took."""
    from kerascheck.analysis import Options, analyze_bytes
    from kerascheck.deep_stack import with_deep_stack
    from kerascheck.interpreter.limits import Limits
    from kerascheck.reporters import json_report

    options = Options(limits=Limits(max_seconds=math.inf))
    start = time.monotonic()
    with contextlib.chdir(root):
        report = with_deep_stack(analyze_bytes, Path(path).read_bytes(), path, options, cache)
    took = time.monotonic() - start
    return json.loads(json_report.render([report]))["files"][0], took


# ------------------------------------------------------------------ the report
@dataclass
class Tally:
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(VERDICTS, 0))
    layers_exact: int = 0
    layers: int = 0

    def add(self, verdict: Verdict) -> None:
        self.counts[verdict.kind] += 1
        self.layers_exact += verdict.layers_exact
        self.layers += verdict.layers

    def line(self, title: str) -> str:
        n = sum(self.counts.values())
        parts = ", ".join(f"{self.counts[k]} {k}" for k in VERDICTS)
        share = f"{100 * self.counts['exact'] / n:.0f} % exact" if n else "-"
        layers = f"{self.layers_exact}/{self.layers} layers exact" if self.layers else ""
        return f"{title}: {n} models: {parts} ({share}); {layers}"


def score_repo(manifest: manifests.Manifest, mirrors: Path, verbose: bool, tallies: dict[bool, Tally]) -> str | None:
    """Score one repository's models (printing each that is wrong, or each with -v);
    the reason it was skipped, if it was."""
    from kerascheck.interpreter.modules import ParseCache

    root = manifests.checkout(mirrors, manifest)
    if root is None:
        return f"no mirror under {mirrors}"
    if not manifest.truth_path.exists():
        return f"no truth file ({manifest.truth_path.name}): run truth.py"
    truth = json.loads(manifest.truth_path.read_text())
    if truth.get("commit") != manifest.commit:
        return "the truth is of another commit: run truth.py"
    cache = ParseCache()
    reports: dict[str, tuple[dict, float]] = {}
    print(f"{manifest.repo} ({manifest.era})")
    for model in manifest.models:
        if model.id not in truth["models"]:
            print(f"  {model.id}: no truth (run truth.py)")
            continue
        if model.path not in reports:
            reports[model.path] = kerascheck_report(root, model.path, cache)
        report, took = reports[model.path]
        verdict = classify(truth["models"][model.id], pick(report["models"], model.line, truth["models"][model.id], model.context))
        tallies[model.static].add(verdict)
        if verbose or verdict.kind == "wrong":
            static = "" if model.static else " (non-static)"
            detail = f": {verdict.detail}" if verdict.detail else ""
            print(
                f"  {verdict.kind.upper():7} {model.id}{static} {model.path}:{model.line} "
                f"[{verdict.layers_exact}/{verdict.layers} layers exact, {took:.1f} s]{detail}"
            )
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mirrors", type=Path, default=manifests.MIRRORS, help="where fetch put the mirrors")
    parser.add_argument("--repo", help="only this repository (owner/name)")
    parser.add_argument("-v", "--verbose", action="store_true", help="every model, not only the wrong ones")
    args = parser.parse_args(argv)
    tallies = {True: Tally(), False: Tally()}
    skipped = []
    for manifest in manifests.all_manifests(args.repo):
        reason = score_repo(manifest, args.mirrors, args.verbose, tallies)
        if reason:
            skipped.append(f"{manifest.repo}: {reason}")
    print()
    for repo in skipped:
        print(f"skipped {repo}")
    print(tallies[True].line("static"))
    print(tallies[False].line("non-static"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
