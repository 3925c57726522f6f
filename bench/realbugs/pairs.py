"""The real-bug benchmark's manifests, and the two versions of each pair on disk.

A manifest (``manifest/*.toml``) is one source of buggy/fixed pairs: a public
repository (``<owner>+<name>.toml``: each pair names the commit with the bug,
the commit that fixes it and the file) or a question-and-answer page
(``qa-<topic>.toml``: each pair holds the short buggy and fixed snippets as we
understand them).  ``versions`` puts both versions of a pair on disk: a
repository's commits are exported from its ``fetch`` mirror into the real-world
benchmark's cache (``bench/realworld/manifests.py``), never into this
repository; a page's snippets are written there too.
"""

from __future__ import annotations

import re
import shutil
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
MANIFESTS = HERE / "manifest"
sys.path.insert(0, str(HERE.parent / "realworld"))
import manifests as realworld  # noqa: E402

MIRRORS = realworld.MIRRORS
CODE = re.compile(r"KC\d{3}")
HEX40 = re.compile(r"[0-9a-f]{40}")

PAIR_KEYS = {"id": str, "line": int, "codes": list, "static": bool, "bug": str, "fix": str}
REPO_PAIR_KEYS = {"buggy": str, "fixed": str, "path": str}
PAGE_PAIR_KEYS = {"buggy_code": str, "fixed_code": str}
OPTIONAL_PAIR_KEYS = {
    "other_lines": list, "evidence": str, "remaining": list, "fixed_path": str, "alone": bool, "note": str,
}
REMAINING_KEYS = {"code": str, "line": int, "why": str}
MAX_SNIPPET_LINES = 25


@dataclass(frozen=True)
class Remaining:
    """A diagnostic on the fixed version that reports a real remaining problem."""

    code: str
    line: int
    why: str


@dataclass(frozen=True)
class Pair:
    id: str
    source: str  # owner/name, or the page's address
    line: int  # the bug's line in the buggy version
    codes: tuple[str, ...]  # the rules expected to report it (any of them)
    static: bool  # whether the bug can be seen in the source, without running it
    bug: str
    fix: str
    other_lines: tuple[int, ...] = ()  # the other end of a mismatch (an output layer and its compile())
    evidence: str = ""
    remaining: tuple[Remaining, ...] = ()
    note: str = ""
    # a repository's pair
    buggy: str = ""
    fixed: str = ""
    path: str = ""
    fixed_path: str = ""
    alone: bool = False  # analyse the file by itself, not from the repository's root
    # a page's pair
    buggy_code: str = ""
    fixed_code: str = ""

    @property
    def from_page(self) -> bool:
        return bool(self.buggy_code)


def _typed(table: dict, keys: dict[str, type], where: str, required: bool) -> list[str]:
    found = []
    for key, kind in keys.items():
        if key not in table:
            if required:
                found.append(f"{where}.{key}: missing")
            continue
        value = table[key]
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            found.append(f"{where}.{key}: not a {kind.__name__}")
    return found


def problems(data: dict, file_name: str) -> list[str]:
    """What is wrong with a manifest's parsed TOML (empty when nothing is)."""
    is_page = file_name.startswith("qa-")
    found = []
    top = {"page": str} if is_page else {"repo": str}
    found += _typed(data, top, "manifest", required=True)
    unknown = set(data) - set(top) - {"pairs"}
    if unknown:
        found.append(f"unknown keys {sorted(unknown)}")
    if is_page and isinstance(data.get("page"), str) and not data["page"].startswith(("https://", "http://")):
        found.append("page: not an address")
    if not is_page and isinstance(data.get("repo"), str) and file_name != realworld.slug(data["repo"]) + ".toml":
        found.append(f"file name {file_name!r} is not {realworld.slug(data['repo'])}.toml")
    pairs = data.get("pairs")
    if not isinstance(pairs, list) or not pairs:
        return found + ["pairs: none"]
    kind_keys = PAGE_PAIR_KEYS if is_page else REPO_PAIR_KEYS
    ids = set()
    for i, pair in enumerate(pairs):
        where = f"pairs[{i}]"
        if not isinstance(pair, dict):
            found.append(f"{where}: not a table")
            continue
        found += _typed(pair, PAIR_KEYS | kind_keys, where, required=True)
        found += _typed(pair, OPTIONAL_PAIR_KEYS, where, required=False)
        unknown = set(pair) - set(PAIR_KEYS) - set(kind_keys) - set(OPTIONAL_PAIR_KEYS)
        if unknown:
            found.append(f"{where}: unknown keys {sorted(unknown)}")
        if pair.get("id") in ids:
            found.append(f"{where}.id: {pair.get('id')!r} is not unique")
        ids.add(pair.get("id"))
        codes = pair.get("codes")
        if isinstance(codes, list) and (not codes or not all(isinstance(c, str) and CODE.fullmatch(c) for c in codes)):
            found.append(f"{where}.codes: not a list of rule codes (KC205)")
        for key in ("buggy", "fixed"):
            if not is_page and isinstance(pair.get(key), str) and not HEX40.fullmatch(pair[key]):
                found.append(f"{where}.{key}: not 40 lowercase hex digits")
        for key in PAGE_PAIR_KEYS:
            text = pair.get(key)
            if is_page and isinstance(text, str) and len(text.strip().splitlines()) > MAX_SNIPPET_LINES:
                found.append(f"{where}.{key}: over {MAX_SNIPPET_LINES} lines (a page's snippets stay short)")
        if is_page and isinstance(pair.get("buggy_code"), str) and isinstance(pair.get("line"), int):
            if not 1 <= pair["line"] <= len(pair["buggy_code"].splitlines()):
                found.append(f"{where}.line: not a line of buggy_code")
        other = pair.get("other_lines")
        if isinstance(other, list) and not all(isinstance(n, int) and not isinstance(n, bool) for n in other):
            found.append(f"{where}.other_lines: not a list of line numbers")
        for j, item in enumerate(pair.get("remaining") or []):
            if not isinstance(item, dict):
                found.append(f"{where}.remaining[{j}]: not a table")
                continue
            found += _typed(item, REMAINING_KEYS, f"{where}.remaining[{j}]", required=True)
            if set(item) - set(REMAINING_KEYS):
                found.append(f"{where}.remaining[{j}]: unknown keys {sorted(set(item) - set(REMAINING_KEYS))}")
    return found


def load(path: Path) -> list[Pair]:
    """A manifest file's pairs, checked (``ValueError`` lists its problems)."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    found = problems(data, path.name)
    if found:
        raise ValueError(f"{path.name}: " + "; ".join(found))
    source = data.get("repo") or data["page"]
    pairs = []
    for p in data["pairs"]:
        remaining = tuple(Remaining(r["code"], r["line"], r["why"]) for r in p.get("remaining", ()))
        fields = {k: v for k, v in p.items() if k not in ("codes", "remaining", "other_lines")}
        pairs.append(Pair(
            source=source, codes=tuple(p["codes"]), remaining=remaining, other_lines=tuple(p.get("other_lines", ())),
            **fields,
        ))
    return pairs


def all_pairs(only: str | None = None) -> list[Pair]:
    """Every manifest's pairs (or only those of the source or pair id ``only``), by file name;
    ``ValueError`` when two manifests share a pair id."""
    pairs = [pair for path in sorted(MANIFESTS.glob("*.toml")) for pair in load(path)]
    seen: set[str] = set()
    for pair in pairs:
        if pair.id in seen:
            raise ValueError(f"pair id {pair.id!r} is used twice")
        seen.add(pair.id)
    if only is not None:
        pairs = [p for p in pairs if only in (p.id, p.source)]
        if not pairs:
            raise SystemExit(f"no pair or source {only!r}")
    return pairs


def versions(pair: Pair, mirrors: Path) -> tuple[tuple[Path, str], tuple[Path, str]] | None:
    """(root, path) of the buggy and of the fixed version: the file as kerascheck is run
    on it from ``root``.  None when a repository's mirror is missing."""
    if pair.from_page:
        return _snippet(pair, "buggy", pair.buggy_code), _snippet(pair, "fixed", pair.fixed_code)
    found = []
    for commit, path in ((pair.buggy, pair.path), (pair.fixed, pair.fixed_path or pair.path)):
        root = realworld.export_commit(mirrors, pair.source, commit)
        if root is None:
            return None
        if pair.alone:
            root = _alone(root, path, f"{realworld.slug(pair.source)}-{commit}")
            path = Path(path).name
        found.append((root, path))
    return found[0], found[1]


def _snippet(pair: Pair, version: str, code: str) -> tuple[Path, str]:
    root = realworld.CACHE / "realbugs-pages" / pair.id / version
    _write(root / "snippet.py", code)
    return root, "snippet.py"


def _alone(checkout: Path, path: str, key: str) -> Path:
    """A folder holding only ``path`` of ``checkout``: a script downloaded by itself."""
    root = realworld.CACHE / "realbugs-alone" / key / Path(path).parent
    _write(root / Path(path).name, (checkout / path).read_text(encoding="utf-8", errors="surrogateescape"))
    return root


def _write(file: Path, text: str) -> None:
    if file.is_file() and file.read_text(encoding="utf-8", errors="surrogateescape") == text:
        return
    shutil.rmtree(file.parent, ignore_errors=True)
    file.parent.mkdir(parents=True)
    (file.parent / ".git").mkdir()  # the project's root, as a user's folder would be
    file.write_text(text, encoding="utf-8", errors="surrogateescape")
