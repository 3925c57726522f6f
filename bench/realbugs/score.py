"""Score kerascheck's rules on real bugs and on their fixes.

    python bench/realbugs/score.py [--mirrors /work/.mirror] [--only ID|SOURCE] [-v]

Each pair of ``manifest/*.toml`` is a bug found in a public repository's history
or on a question-and-answer page, and its fix.  kerascheck checks both versions
in process, as ``kerascheck check PATH`` run from the version's root would with
no configuration (only the interpreter's time limit, a last resort against a
loaded machine, is lifted, so that the figures never depend on the machine's
load).  Per rule:

- hit: the buggy version has a diagnostic of an expected code whose span covers
  the bug's line (or one of its ``other_lines``, the other end of a mismatch);
  a diagnostic of an expected code elsewhere is a wrong line;
- visible: the bugs that can be seen in the source (``static = true``);
- false alarm: a warning or an error on a fixed version, unless the manifest
  lists it as a real remaining problem (``remaining``); infos are counted apart.

A pair whose repository's mirror is missing is skipped.  This is a report: it
exits 0 unless its own arguments are wrong.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import math
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import pairs as manifests  # noqa: E402

FLAGGED = ("error", "warning")


@dataclass(frozen=True)
class Found:
    """A diagnostic, as the benchmark compares it."""

    code: str
    severity: str
    line: int
    end_line: int
    message: str

    def covers(self, line: int) -> bool:
        return self.line <= line <= self.end_line

    def __str__(self) -> str:
        return f"{self.code} ({self.severity}) line {self.line}: {self.message}"


@dataclass
class Outcome:
    """What kerascheck said about one pair."""

    pair: manifests.Pair
    hits: list[Found]  # the buggy version's diagnostics of an expected code at the bug's line(s)
    elsewhere: list[Found]  # expected codes at other lines of the buggy version
    false_alarms: list[Found]  # warnings and errors on the fixed version not listed as remaining
    fixed_infos: list[Found]
    failures: list[Found]  # the analysis's own errors (KC000, KC001, KC003) on either version

    @property
    def hit(self) -> bool:
        return bool(self.hits)


def check(root: Path, path: str, cache: Any) -> list[Found]:
    """kerascheck's diagnostics of ``path``, checked from ``root`` as the command line would."""
    from kerascheck.analysis import analyze_bytes, options_for
    from kerascheck.deep_stack import with_deep_stack
    from kerascheck.config import Settings
    from kerascheck.interpreter.limits import Limits

    options = options_for(Settings(root=root.resolve()), root / path, "check")
    options = dataclasses.replace(options, limits=Limits(max_seconds=math.inf))
    with contextlib.chdir(root):
        report = with_deep_stack(analyze_bytes, Path(path).read_bytes(), path, options, cache)
    own = [d for d in report.diagnostics if d.path is None]  # not those placed in the modules it imports
    return [Found(d.code, d.severity, d.span.line, d.span.end_line, d.message) for d in own]


def judge(pair: manifests.Pair, buggy: list[Found], fixed: list[Found]) -> Outcome:
    """The outcome of one pair from the diagnostics of its two versions."""
    expected = [d for d in buggy if d.code in pair.codes]
    hits = [d for d in expected if any(d.covers(line) for line in (pair.line, *pair.other_lines))]
    accepted = {(r.code, r.line) for r in pair.remaining}
    false_alarms = [d for d in fixed if d.severity in FLAGGED and (d.code, d.line) not in accepted]
    failures = [d for d in buggy + fixed if d.code in ("KC000", "KC001", "KC003")]
    return Outcome(
        pair=pair,
        hits=hits,
        elsewhere=[] if hits else expected,
        false_alarms=false_alarms,
        fixed_infos=[d for d in fixed if d.severity == "info"],
        failures=failures,
    )


@dataclass
class RuleTally:
    pairs: int = 0
    visible: int = 0
    hit: int = 0
    wrong_line: int = 0
    false_alarms: int = 0


@dataclass
class Tally:
    rules: dict[str, RuleTally] = field(default_factory=lambda: defaultdict(RuleTally))
    outcomes: list[Outcome] = field(default_factory=list)

    def add(self, outcome: Outcome) -> None:
        self.outcomes.append(outcome)
        pair = outcome.pair
        rule = self.rules[pair.codes[0]]  # a pair counts for its first code; the others are accepted too
        rule.pairs += 1
        if pair.static:
            rule.visible += 1
            rule.hit += outcome.hit
            rule.wrong_line += bool(outcome.elsewhere)
        for alarm in outcome.false_alarms:
            self.rules[alarm.code].false_alarms += 1

    def table(self) -> str:
        rows = ["rule    pairs  visible  hit  recall  wrong line  false alarms"]
        for code in sorted(self.rules):
            r = self.rules[code]
            rows.append(
                f"{code}  {r.pairs:5}  {r.visible:7}  {r.hit:3}  {_share(r.hit, r.visible):>6}  "
                f"{r.wrong_line:10}  {r.false_alarms:12}"
            )
        visible = [o for o in self.outcomes if o.pair.static]
        hits = sum(o.hit for o in visible)
        alarms = sum(len(o.false_alarms) for o in self.outcomes)
        noisy = sum(bool(o.false_alarms) for o in self.outcomes)
        infos = sum(len(o.fixed_infos) for o in self.outcomes)
        rows.append(
            f"total: {len(self.outcomes)} pairs, {len(visible)} bugs statically visible, {hits} hit at the right line "
            f"({_share(hits, len(visible))}); {alarms} false alarms on {noisy} of {len(self.outcomes)} fixed versions "
            f"(and {infos} infos)"
        )
        return "\n".join(rows)


def _share(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f} %" if whole else "-"


def report(outcome: Outcome, verbose: bool) -> list[str]:
    """Lines about one pair: always its false alarms and failures, with -v everything."""
    pair = outcome.pair
    where = f"{pair.path}:{pair.line}" if not pair.from_page else f"snippet:{pair.line}"
    verdict = "HIT" if outcome.hit else ("INVISIBLE" if not pair.static else "MISSED")
    lines = []
    if verbose or outcome.false_alarms or outcome.failures:
        lines.append(f"  {verdict:9} {pair.id} [{', '.join(pair.codes)}] {where}")
    if verbose:
        lines += [f"      hit by: {d}" for d in outcome.hits]
        lines += [f"      expected code at another line: {d}" for d in outcome.elsewhere]
    lines += [f"      false alarm on the fixed version: {d}" for d in outcome.false_alarms]
    lines += [f"      analysis failure: {d}" for d in outcome.failures]
    if verbose:
        lines += [f"      info on the fixed version: {d}" for d in outcome.fixed_infos]
    return lines


def main(argv: list[str] | None = None) -> int:
    from kerascheck.interpreter.modules import ParseCache

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mirrors", type=Path, default=manifests.MIRRORS, help="where fetch put the mirrors")
    parser.add_argument("--only", help="only this pair (id) or source (owner/name or page address)")
    parser.add_argument("-v", "--verbose", action="store_true", help="every pair, not only those with false alarms")
    args = parser.parse_args(argv)
    tally = Tally()
    skipped: Counter[str] = Counter()
    for pair in manifests.all_pairs(args.only):
        found = manifests.versions(pair, args.mirrors)
        if found is None:
            skipped[pair.source] += 1
            continue
        (buggy_root, buggy_path), (fixed_root, fixed_path) = found
        buggy = check(buggy_root, buggy_path, ParseCache())
        fixed = check(fixed_root, fixed_path, ParseCache())
        outcome = judge(pair, buggy, fixed)
        tally.add(outcome)
        for line in report(outcome, args.verbose):
            print(line)
    print()
    for source, count in sorted(skipped.items()):
        print(f"skipped {source} ({count} pairs): no mirror under {args.mirrors}")
    print(tally.table())
    return 0


if __name__ == "__main__":
    sys.exit(main())
