"""The real-world benchmark's manifests and checkouts, shared by ``truth.py`` and ``score.py``.

A manifest (``manifest/<owner>+<name>.toml``) names a public repository, the
commit used and the models to build from it; ``checkout`` exports that commit
from its ``fetch`` mirror into a cache folder outside this repository (a copy
with the manifest's textual translations applied, for Keras 3 to run, is kept
apart from the untranslated one kerascheck reads).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import tomllib
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
MANIFESTS = HERE / "manifest"
TRUTH = HERE / "truth"
MIRRORS = Path("/work/.mirror")
CACHE = Path(os.environ.get("KERASCHECK_BENCH_CACHE", Path.home() / ".cache" / "kerascheck-bench"))

ERAS = ("keras1", "keras2", "tf.keras", "keras3")
REPO_KEYS = {"repo": str, "commit": str, "era": str, "models": list}
MODEL_KEYS = {"id": str, "path": str, "line": int, "reached": str, "static": bool, "driver": str}
OPTIONAL_MODEL_KEYS = {"translate": list, "note": str, "context": str}


@dataclass(frozen=True)
class Model:
    id: str
    path: str
    line: int
    reached: str
    static: bool
    driver: str
    translate: tuple[tuple[str, str], ...] = ()
    note: str = ""
    context: str = ""  # a part of kerascheck's "context", when several models share the line


@dataclass(frozen=True)
class Manifest:
    repo: str
    commit: str
    era: str
    models: tuple[Model, ...]

    @property
    def slug(self) -> str:
        return slug(self.repo)

    @property
    def truth_path(self) -> Path:
        return TRUTH / f"{self.slug}.json"


def slug(repo: str) -> str:
    """``owner/name`` as a file name: ``owner+name``."""
    return repo.replace("/", "+")


def problems(data: dict, file_name: str) -> list[str]:
    """What is wrong with a manifest's parsed TOML (empty when nothing is)."""
    found = []
    for key, kind in REPO_KEYS.items():
        if not isinstance(data.get(key), kind):
            found.append(f"{key}: missing or not a {kind.__name__}")
    unknown = set(data) - set(REPO_KEYS)
    if unknown:
        found.append(f"unknown keys {sorted(unknown)}")
    if isinstance(data.get("repo"), str) and file_name != slug(data["repo"]) + ".toml":
        found.append(f"file name {file_name!r} is not {slug(data['repo'])}.toml")
    if isinstance(data.get("commit"), str) and not re.fullmatch(r"[0-9a-f]{40}", data["commit"]):
        found.append("commit: not 40 lowercase hex digits")
    if data.get("era") not in ERAS:
        found.append(f"era: {data.get('era')!r} is not one of {ERAS}")
    ids = set()
    for i, model in enumerate(data.get("models") or []):
        where = f"models[{i}]"
        if not isinstance(model, dict):
            found.append(f"{where}: not a table")
            continue
        for key, kind in MODEL_KEYS.items():
            value = model.get(key)
            if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
                found.append(f"{where}.{key}: missing or not a {kind.__name__}")
        for key, kind in OPTIONAL_MODEL_KEYS.items():
            if key in model and not isinstance(model[key], kind):
                found.append(f"{where}.{key}: not a {kind.__name__}")
        unknown = set(model) - set(MODEL_KEYS) - set(OPTIONAL_MODEL_KEYS)
        if unknown:
            found.append(f"{where}: unknown keys {sorted(unknown)}")
        for pair in model.get("translate") or []:
            if not (isinstance(pair, list) and len(pair) == 2 and all(isinstance(s, str) and s for s in pair)):
                found.append(f"{where}.translate: {pair!r} is not [old, new]")
        if model.get("id") in ids:
            found.append(f"{where}.id: {model.get('id')!r} is not unique")
        ids.add(model.get("id"))
        if isinstance(model.get("driver"), str) and not re.search(r"^\s*model\s*=", model["driver"], re.M):
            found.append(f"{where}.driver: never assigns `model`")
    if not data.get("models"):
        found.append("models: none")
    return found


def load(path: Path) -> Manifest:
    """A manifest file, checked (``ValueError`` lists its problems)."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    found = problems(data, path.name)
    if found:
        raise ValueError(f"{path.name}: " + "; ".join(found))
    models = tuple(
        Model(
            id=m["id"], path=m["path"], line=m["line"], reached=m["reached"], static=m["static"],
            driver=m["driver"], translate=tuple((a, b) for a, b in m.get("translate", ())),
            note=m.get("note", ""), context=m.get("context", ""),
        )
        for m in data["models"]
    )
    return Manifest(repo=data["repo"], commit=data["commit"], era=data["era"], models=models)


def all_manifests(repo: str | None = None) -> list[Manifest]:
    """Every manifest (or only ``repo``'s), by file name."""
    paths = sorted(MANIFESTS.glob("*.toml"))
    if repo is not None:
        paths = [p for p in paths if p.name == slug(repo) + ".toml"]
        if not paths:
            raise SystemExit(f"no manifest for {repo}")
    return [load(p) for p in paths]


def git_dir(mirrors: Path, repo: str) -> Path | None:
    """The git directory of ``repo``'s fetch mirror, None when it is not there."""
    base = mirrors / slug(repo) / "repo"
    for candidate in (base / ".git", base):
        if (candidate / "HEAD").is_file() and (candidate / "objects").is_dir():
            return candidate
    return None


def checkout(mirrors: Path, manifest: Manifest, translate: tuple[tuple[str, str], ...] = ()) -> Path | None:
    """The manifest's commit exported into the cache (None when the mirror is missing);
    with ``translate``, a copy whose ``.py`` files have those substitutions applied."""
    plain = export_commit(mirrors, manifest.repo, manifest.commit)
    if plain is None or not translate:
        return plain
    key = hashlib.sha256(json.dumps(translate).encode()).hexdigest()[:12]
    copy = CACHE / f"{manifest.slug}-{manifest.commit}-translated-{key}"
    if not (copy / ".complete").exists():
        shutil.rmtree(copy, ignore_errors=True)
        shutil.copytree(plain, copy, symlinks=True)
        for file in copy.rglob("*.py"):
            if file.is_symlink() or not file.is_file():
                continue
            text = file.read_text(encoding="utf-8", errors="surrogateescape")
            changed = text
            for old, new in translate:
                changed = changed.replace(old, new)
            if changed != text:
                file.write_text(changed, encoding="utf-8", errors="surrogateescape")
        (copy / ".complete").touch()
    return copy


def export_commit(mirrors: Path, repo: str, commit: str) -> Path | None:
    """``repo``'s ``commit`` exported (once) into the cache, as a user's clone of it
    (None when the mirror is missing)."""
    git = git_dir(mirrors, repo)
    if git is None:
        return None
    plain = CACHE / f"{slug(repo)}-{commit}"
    if not (plain / ".complete").exists():
        shutil.rmtree(plain, ignore_errors=True)
        export(git, commit, plain)
        (plain / ".complete").touch()
    (plain / ".git").mkdir(exist_ok=True)  # a user's clone has one: it marks the project's root
    return plain


def export(git: Path, commit: str, into: Path) -> None:
    """Write the files of ``commit`` into ``into``, as ``git archive`` would, except
    the blobs the mirror lacks (a snapshot leaves out its largest files)."""
    listing = subprocess.run(
        ["git", "--git-dir", str(git), "ls-tree", "-r", "-z", "--full-tree", commit],
        check=True, capture_output=True,
    ).stdout
    entries = []
    for entry in listing.split(b"\0"):
        if entry:
            info, name = entry.split(b"\t", 1)
            mode, kind, sha = info.split()
            if kind == b"blob":
                entries.append((mode, sha, os.fsdecode(name)))
    batch = subprocess.run(
        ["git", "--git-dir", str(git), "cat-file", "--batch"],
        input=b"".join(sha + b"\n" for _, sha, _ in entries), check=True, capture_output=True,
    ).stdout
    at = 0
    for mode, sha, name in entries:
        end = batch.index(b"\n", at)
        header = batch[at:end].split()
        at = end + 1
        if header[-1] == b"missing":
            continue
        size = int(header[2])
        content = batch[at : at + size]
        at += size + 1
        target = into / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if mode == b"120000":
            continue  # a symbolic link: not followed
        target.write_bytes(content)
