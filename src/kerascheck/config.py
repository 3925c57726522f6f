"""``[tool.kerascheck]`` in ``pyproject.toml``: which rules run, where, with what options.

The settings for a file come from the nearest ``pyproject.toml`` above it that
has a ``[tool.kerascheck]`` table (``--config FILE`` names one for every file).
Paths in the settings (``exclude``, ``per-file-ignores``) are relative to the
folder of that file (a path outside it is matched by its name alone).  Unknown
keys and bad values raise ``ConfigError`` naming the key, never a traceback.
"""

from __future__ import annotations

import difflib
import os
import sys
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from kerascheck import patterns, real_paths
from kerascheck.input_shapes import Shape, from_config
from kerascheck.real_paths import real_path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

DATA_FORMATS = ("channels_last", "channels_first")
GENERAL_KEYS = (
    "select", "ignore", "extend-select", "per-file-ignores", "exclude", "extend-exclude", "include",
    "respect-gitignore", "data-format", "input-shapes",
)
#: what a folder walk skips unless ``exclude`` says otherwise (virtual environments are always skipped)
DEFAULT_EXCLUDE = (
    ".*/", "__pycache__/", "build/", "dist/", "env/", "node_modules/", "site-packages/", "venv/", "virtualenv/"
)
#: the files a folder walk analyses (a file named on the command line always is)
DEFAULT_INCLUDE = ("*.py",)


class ConfigError(Exception):
    """A configuration problem, with the file and key it concerns."""


def all_codes() -> list[str]:
    from kerascheck.rules import all_rules

    return list(all_rules())


def rule_option_defaults() -> dict[str, Any]:
    """Every rule option by kebab-case name, with its default."""
    from kerascheck.rules import all_rules

    return {name: default for rule in all_rules().values() for name, default in rule.options.items()}


@dataclass
class Settings:
    """The settings that apply to the files under ``root``."""

    root: Path
    source: Path | None = None  # the pyproject.toml they came from
    select: tuple[str, ...] = ("KC",)
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    per_file_ignores: tuple[tuple[patterns.Spec, tuple[str, ...]], ...] = ()
    exclude: patterns.Spec = field(default_factory=lambda: patterns.spec(DEFAULT_EXCLUDE))
    extend_exclude: patterns.Spec = field(default_factory=lambda: patterns.spec(()))
    include: patterns.Spec = field(default_factory=lambda: patterns.spec(DEFAULT_INCLUDE))
    respect_gitignore: bool = True
    data_format: str | None = None
    #: input shapes by function or model name (see ``input_shapes``)
    input_shapes: dict[str, Shape] = field(default_factory=dict)
    rule_options: dict[str, Any] = field(default_factory=dict)

    def enabled(self, code: str, path: Path | None = None) -> bool:
        """Whether ``code`` is reported for ``path``.  The analysis's own codes (KC0xx)
        are always on unless ignored by name; otherwise the most specific of the
        matching ``select``/``ignore`` prefixes decides (``ignore`` wins a tie).  An
        opt-in code must be selected by a prefix longer than ``KC`` (``KC020``, ``KC02``)."""
        from kerascheck.rules.selection import is_opt_in

        ignored = _longest_prefix(code, self.ignore + self.file_ignores(path))
        selected = _longest_prefix(code, self.select + self.extend_select)
        if is_opt_in(code):
            return selected > max(ignored, len("KC"))
        if code.startswith("KC0"):
            return ignored < 0
        return selected >= 0 and selected > ignored

    @property
    def selection(self) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]] | None:
        """What ``enabled`` decides by when it is the same for every file (no
        per-file ignores): settings of the same selection enable the same codes."""
        return None if self.per_file_ignores else (self.select, self.extend_select, self.ignore)

    def file_ignores(self, path: Path | None) -> tuple[str, ...]:
        if not self.per_file_ignores:
            return ()  # without resolving the path, asked for every code of every file
        relative = self.relative(path)
        if relative is None:
            return ()
        return tuple(code for spec, codes in self.per_file_ignores if spec.match_file(relative) for code in codes)

    def excludes(self, path: Path, is_dir: bool) -> bool:
        """Whether a folder walk skips ``path``: an ``exclude`` or ``extend-exclude``
        pattern names it (not only a folder above it: see ``patterns``)."""
        return self._excludes(self.relative(path) or path.name, is_dir)

    def includes(self, path: Path) -> bool:
        """Whether a folder walk analyses the file ``path`` (``include``)."""
        return self.include.match_file(self.relative(path) or path.name)

    def is_excluded(self, path: Path, is_dir: bool = False) -> bool:
        """Whether ``path`` or a folder above it is excluded (``--force-exclude``)."""
        relative = self.relative(path)
        if relative is None:  # outside the settings' folder: each name alone
            names = Path(os.path.abspath(path)).parts[1:]
            return any(self._excludes(name, is_dir or i < len(names) - 1) for i, name in enumerate(names))
        parts = relative.split("/") if relative else []
        return any(self._excludes("/".join(parts[: i + 1]), is_dir or i < len(parts) - 1) for i in range(len(parts)))

    def _excludes(self, relative: str, is_dir: bool) -> bool:
        return any(patterns.names_itself(spec, relative, is_dir) for spec in (self.exclude, self.extend_exclude))

    def relative(self, path: Path | None) -> str | None:
        """``path`` relative to the settings' folder ("" for the folder itself), None
        outside it (``realpath``: a symbolic link loop does not raise)."""
        if path is None:
            return None
        try:
            relative = Path(real_path(path)).relative_to(self.root).as_posix()
        except ValueError:
            return None
        return "" if relative == "." else relative


def _longest_prefix(code: str, prefixes: tuple[str, ...]) -> int:
    return max((len(p) for p in prefixes if code.startswith(p)), default=-1)


def find_pyproject(start: Path) -> Path | None:
    """The nearest ``pyproject.toml`` at or above ``start`` with a ``[tool.kerascheck]`` table."""
    return _find_in(_resolved(os.getcwd(), start))


@lru_cache(maxsize=4096)
def _resolved(cwd: str, path: Path) -> Path:
    """``path.resolve()`` in the folder ``cwd`` (asked for each file: once per folder)."""
    return path.resolve()


@lru_cache(maxsize=None)
def _find_in(directory: Path) -> Path | None:
    candidate = directory / "pyproject.toml"
    if candidate.is_file() and _has_table(candidate):
        return candidate
    return None if directory.parent == directory else _find_in(directory.parent)


def _has_table(path: Path) -> bool:
    try:
        return "kerascheck" in _read_toml(path).get("tool", {})
    except ConfigError:
        return True  # report the error when it is loaded


@lru_cache(maxsize=None)
def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as file:
            data: dict[str, Any] = tomllib.load(file)  # Any when tomli is not installed
            return data
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror}") from None


@lru_cache(maxsize=None)
def load(path: Path) -> Settings:
    """The settings in ``path`` (a ``pyproject.toml``; a file without the table
    gives the defaults, rooted at its folder)."""
    path = path.resolve()
    table = _read_toml(path).get("tool", {}).get("kerascheck", {})
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.kerascheck] must be a table")
    return parse(table, path.parent, path)


def parse(table: dict[str, Any], root: Path, source: Path | None = None) -> Settings:
    """Validate a ``[tool.kerascheck]`` table into ``Settings``."""
    where = f"{source or 'configuration'}: [tool.kerascheck]"
    options = rule_option_defaults()
    settings = Settings(root=root, source=source)
    for key, value in table.items():
        if key in ("select", "ignore", "extend-select"):
            setattr(settings, key.replace("-", "_"), parse_codes(value, f"{where} {key}"))
        elif key == "per-file-ignores":
            settings.per_file_ignores = _per_file_ignores(value, f"{where} {key}")
        elif key in ("exclude", "extend-exclude", "include"):
            setattr(settings, key.replace("-", "_"), _patterns(_strings(value, f"{where} {key}"), f"{where} {key}"))
        elif key == "respect-gitignore":
            settings.respect_gitignore = option_value(key, value, True, where)
        elif key == "data-format":
            if value not in DATA_FORMATS:
                raise ConfigError(f"{where} data-format must be one of {', '.join(DATA_FORMATS)}, got {value!r}")
            settings.data_format = value
        elif key == "input-shapes":
            settings.input_shapes = _input_shapes(value, f"{where} input-shapes")
        elif key in options:
            settings.rule_options[key] = option_value(key, value, options[key], where)
        else:
            known = [*GENERAL_KEYS, *options]
            hint = difflib.get_close_matches(key, known, n=1)
            suggestion = f" (did you mean {hint[0]!r}?)" if hint else ""
            raise ConfigError(f"{where} has an unknown key {key!r}{suggestion}; known keys: {', '.join(known)}")
    return settings


def option_value(key: str, value: Any, default: Any, where: str = "") -> Any:
    """Check a rule option against its default's type: a switch takes true/false;
    numbers stay non-negative, shares, ratios and rates lie in [0, 1]; an option
    without default takes a positive integer."""
    label = f"{where} {key}".strip()
    if isinstance(default, bool):
        if not isinstance(value, bool):
            raise ConfigError(f"{label} must be true or false, got {value!r}")
        return value
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ConfigError(f"{label} must be a number, got {value!r}")
    if (default is None or isinstance(default, int)) and not isinstance(value, int):
        raise ConfigError(f"{label} must be an integer, got {value!r}")
    if value < 0 or (default is None and value == 0):
        raise ConfigError(f"{label} must be positive, got {value!r}")
    if key.endswith(("-share", "-ratio", "-rate")) and value > 1:
        raise ConfigError(f"{label} must be between 0 and 1, got {value!r}")
    return value


def _strings(value: Any, label: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{label} must be a list of strings, got {value!r}")
    return value


def parse_codes(value: Any, label: str) -> tuple[str, ...]:
    """Rule codes or prefixes (``KC2``), each checked against the known codes."""
    codes = tuple(c.strip().upper() for c in _strings(value, label) if c.strip())
    known = all_codes()
    for code in codes:
        if not any(k.startswith(code) for k in known):
            raise ConfigError(f"{label}: {code!r} is not a rule code or a prefix of one (see `kerascheck rule --all`)")
    return codes


def _input_shapes(value: Any, label: str) -> dict[str, Shape]:
    if not isinstance(value, dict):
        raise ConfigError(f"{label} must be a table of NAME = [sizes] (or \"None,8\"), got {value!r}")
    shapes = {}
    for name, shape in value.items():
        try:
            shapes[name] = from_config(shape)
        except ValueError as exc:
            raise ConfigError(f"{label} {name}: {exc}") from None
    return shapes


def _patterns(lines: list[str], label: str) -> patterns.Spec:
    try:
        return patterns.checked_spec(lines)
    except ValueError as exc:
        raise ConfigError(f"{label}: {exc}") from None


def _per_file_ignores(value: Any, label: str) -> tuple[tuple[patterns.Spec, tuple[str, ...]], ...]:
    if not isinstance(value, dict):
        raise ConfigError(f"{label} must be a table of glob = [codes], got {value!r}")
    return tuple(
        (_patterns([pattern], f"{label} {pattern!r}"), parse_codes(codes, f"{label} {pattern!r}"))
        for pattern, codes in value.items()
    )


def forget() -> None:
    """Read the configuration files again from now on (a long-running process, the
    language server, calls this when one of them changed)."""
    for cached in (_find_in, _read_toml, load, _defaults, _resolved):
        cached.cache_clear()
    real_paths.forget()


def settings_for(file: Path, override: Path | None = None) -> Settings:
    """The settings that apply to ``file`` (``override``: ``--config FILE``)."""
    if override is not None:
        return load(override)
    found = find_pyproject(file.parent if file.suffix else file)
    return load(found) if found is not None else _defaults(os.getcwd())


@lru_cache(maxsize=None)
def _defaults(cwd: str) -> Settings:
    """The default settings of the files run from the folder ``cwd``: one object for
    them all, as ``load`` gives for a file (its patterns are compiled once, not per file)."""
    return Settings(root=Path(cwd).resolve())
