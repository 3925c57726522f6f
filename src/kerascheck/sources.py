"""Reading a file's source as Python does, safely on any input.

A file is read only when it is a regular file no larger than the limit: a
FIFO, a device or a socket is never opened (opening a FIFO blocks, reading
``/dev/zero`` never ends), and at most ``limit + 1`` bytes are ever read.
Bytes become text per PEP 263: a UTF-8 byte-order mark, or a coding line on
the first two lines, else UTF-8.  Whatever goes wrong is a ``NotRead`` saying
why, with the code it is reported under; nothing here raises.
"""

from __future__ import annotations

import codecs
import errno
import io
import os
import stat
import tokenize
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

#: files larger than this are not analysed (nor read)
MAX_FILE_BYTES = 5_000_000
UNREADABLE = "KC003"  # unreadable-file: what should be checked cannot be (an error)
SKIPPED = "KC010"  # skipped-file: not Python source kerascheck analyses (an info)

_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)
_UNICODE_BOMS = (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


@dataclass(frozen=True)
class NotRead:
    """Why a file's source is not analysed, the code that reports it, and where."""

    code: str
    message: str
    line: int = 1
    column: int = 1


def read_path(path: Path, limit: int = MAX_FILE_BYTES) -> bytes | NotRead:
    """The content of the file at ``path``, or why it is not read."""
    if path.suffix == ".ipynb":
        return NotRead(SKIPPED, "a Jupyter notebook: kerascheck checks Python files only "
                                "(`jupyter nbconvert --to script` makes one): not analysed")
    try:
        info = path.stat()
    except OSError as exc:
        return NotRead(UNREADABLE, f"{_why(path, exc)}: not analysed")
    if not stat.S_ISREG(info.st_mode):
        return _special(info.st_mode)
    if info.st_size > limit:
        return _too_large(info.st_size, limit)
    try:  # O_NONBLOCK: if the file was replaced by a FIFO since, opening it does not wait
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except OSError as exc:
        return NotRead(UNREADABLE, f"{_why(path, exc)}: not analysed")
    with os.fdopen(descriptor, "rb") as file:
        try:
            mode = os.fstat(descriptor).st_mode
            return read_stream(file, limit) if stat.S_ISREG(mode) else _special(mode)
        except OSError as exc:
            return NotRead(UNREADABLE, f"{_why(path, exc)}: not analysed")


def read_stream(stream: BinaryIO, limit: int = MAX_FILE_BYTES) -> bytes | NotRead:
    """At most ``limit`` bytes of ``stream`` (standard input), or why not: the
    stream is never read past ``limit + 1`` bytes."""
    data = stream.read(limit + 1)
    if len(data) > limit:
        return _too_large(None, limit)
    return data


def decode(data: bytes, limit: int = MAX_FILE_BYTES) -> str | NotRead:
    """The text of a source file's bytes, decoded as Python decodes it (PEP 263)."""
    if len(data) > limit:
        return _too_large(len(data), limit)
    if data.startswith(_UNICODE_BOMS):
        return NotRead(UNREADABLE, "file is UTF-16 or UTF-32 (it starts with that byte-order mark), "
                                   "which Python does not read: re-save it as UTF-8; not analysed")
    if b"\0" in data:
        return NotRead(UNREADABLE, "file looks binary (it contains NUL bytes): not analysed")
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as exc:
        if exc.msg.startswith("unknown encoding"):
            return NotRead(UNREADABLE, f"{exc.msg}: not analysed")
        if exc.msg.startswith("encoding problem"):
            return NotRead(UNREADABLE, "a coding line that contradicts the UTF-8 byte-order mark: not analysed")
        encoding = "utf-8"  # a first line that is not UTF-8: decoding says where
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        line, column = _position(data, exc.start)
        if encoding.startswith("utf-8"):
            what = "not valid UTF-8 and declares no other encoding (PEP 263)"
        else:
            what = f"not valid {encoding}, the encoding its coding line declares"
        return NotRead(UNREADABLE, f"file is {what}: byte 0x{data[exc.start]:02x} at line {line}, "
                                   f"column {column}: not analysed", line, column)
    except (LookupError, ValueError) as exc:  # a codec that is not a text encoding (rot13...)
        return NotRead(UNREADABLE, f"cannot decode the file as {encoding}: {exc}: not analysed")


def _position(data: bytes, offset: int) -> tuple[int, int]:
    """The 1-based line and column (in characters) of the byte at ``offset``."""
    start = data.rfind(b"\n", 0, offset) + 1
    prefix = data[start:offset].decode("utf-8", errors="replace")
    return data.count(b"\n", 0, offset) + 1, len(prefix) + 1


def _special(mode: int) -> NotRead:
    kind = next((name for test, name in _KINDS if test(mode)), "not a regular file")
    hint = " (to check what it carries, give it on standard input: `kerascheck check - < PIPE`)"
    return NotRead(SKIPPED, f"{kind}, not a regular file: not read{hint if stat.S_ISFIFO(mode) else ''}")


def _too_large(size: int | None, limit: int) -> NotRead:
    what = f"file is {size:,} bytes, over" if size is not None else "input is over"
    return NotRead(SKIPPED, f"{what} the {limit:,}-byte limit: not analysed")


def _why(path: Path, exc: OSError) -> str:
    """What went wrong reading ``path``, in words."""
    if exc.errno == errno.ELOOP:
        return "a symbolic link loop (too many levels of symbolic links)"
    if exc.errno == errno.ENOENT and path.is_symlink():
        return "a broken symbolic link (what it points to does not exist)"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    return f"cannot be read ({exc.strerror or exc})"
