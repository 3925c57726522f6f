"""Analysing many files on all cores, with the report of a serial run.

Each worker process analyses one file at a time, keeping its own parse cache
(``ParseCache``); the reports are put back in the order of the files, so the
output does not depend on how many workers ran or which finished first.  A
worker that dies (a crash, the out-of-memory killer) costs only the file it was
analysing, reported as an internal error (KC000); a new worker takes over.

The workers start on the first files while the main process is still finding
and reading the next ones, and a worker's next file waits in its pipe while it
analyses one (when that file is small), so no worker waits for the main process.
Files are handed out folder by folder: a worker goes on with the folder of its
last file while that has files left, so the modules a folder's files import
are parsed by few workers.
"""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import os
import sys
import itertools
from collections import OrderedDict, deque
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator

from kerascheck.report import FileReport
from kerascheck.sources import NotRead, decode

if TYPE_CHECKING:
    from multiprocessing.connection import Connection
    from multiprocessing.context import BaseContext
    from multiprocessing.process import BaseProcess

    from kerascheck.analysis import Options
    from kerascheck.cache import ResultCache
    from kerascheck.interpreter.modules import ParseCache, Reads

#: the collection thresholds during analysis (Python's defaults: 700, 10, 10): the youngest
#: generation every 100,000 allocations, the middle one every 50 of those, the oldest
#: (everything a file kept) only when a file ends (``settle``)
GC_THRESHOLDS = (100_000, 50, 1_000)
#: codes whose report depends on more than the inputs (a crash, the time guard): never cached
UNCACHEABLE = frozenset({"KC000", "KC004"})
#: the largest task sent to a worker that is still analysing (a pipe holds 64 KiB or more
#: unread: a larger one could block the main process until the worker is done)
MAX_WAITING_MESSAGE = 32 * 1024


@dataclass
class Task:
    """One file to analyse: its name as reported ("-" for standard input), its content, its options."""

    path: str
    data: bytes | NotRead  # or why it was not read (analysed as a diagnostic, never cached)
    options: Options


@dataclass
class Result:
    report: FileReport
    reads: Reads | None  # what the analysis found on disk; None when it did not finish
    cacheable: bool


def default_jobs() -> int:
    """The number of cores this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1


def analyse_all(
    tasks: Iterable[Task], jobs: int, open_cache: Callable[[], ResultCache | None] = lambda: None
) -> list[FileReport]:
    """Each task's report, in the order of ``tasks``, using up to ``jobs`` processes;
    from the result cache (``open_cache()``, opened once a task comes) where it
    holds one, which keeps the others.  ``tasks`` is read as the files are
    analysed: the workers start on the first files while the next are found."""
    reports: list[FileReport | None] = []
    cache: list[ResultCache | None] = []  # opened once a task comes

    def missing() -> Iterator[tuple[int, Task]]:
        for task in tasks:
            if not cache:
                cache.append(open_cache())
            found = cache[0].get(task.path, task.data, task.options) if cache[0] and isinstance(task.data, bytes) else None
            reports.append(found)
            if found is None:
                yield len(reports) - 1, task

    for index, task, result in analyse_tasks(missing(), jobs):
        reports[index] = result.report
        if cache and cache[0] is not None and result.reads is not None and result.cacheable and isinstance(task.data, bytes):
            cache[0].put(task.path, task.data, task.options, result.report, result.reads)
    if cache and cache[0] is not None:
        cache[0].close()
    return reports  # type: ignore[return-value]


def analyse_tasks(tasks: Iterable[tuple[int, Task]], jobs: int) -> Iterator[tuple[int, Task, Result]]:
    """(index, task, result) of each (index, task) of ``tasks``, in the order they are
    done, using up to ``jobs`` processes (no more than there are tasks; none for one)."""
    tasks = iter(tasks)
    first = list(itertools.islice(tasks, max(jobs, 2)))
    if not first:
        return
    if jobs <= 1 or len(first) == 1:
        from kerascheck.interpreter.modules import ParseCache

        cache = ParseCache(parsed=gc.freeze)  # a module imported by several files is parsed once
        with tuned_gc():
            for index, task in itertools.chain(first, tasks):
                yield index, task, run(task, cache)
                settle()
        return
    yield from _Pool(itertools.chain(first, tasks), min(jobs, len(first))).results()


@contextlib.contextmanager
def tuned_gc() -> Iterator[None]:
    """Fewer and cheaper garbage collections while files are analysed (use
    ``settle`` after each file): the objects that exist before (kerascheck's own
    modules, the catalog) are frozen out of every collection; during a file only
    the young objects are collected (``GC_THRESHOLDS``: an analysis allocates
    many short-lived objects); after it, ``settle`` collects
    what the file left, cycles included, and freezes what survives (the parse
    trees kept for later files), so no later collection walks it again.  A
    file's own tree is frozen as soon as it is parsed (``ParseCache(parsed=
    gc.freeze)``: the previous file settled, so little else is young then, and
    a tree is the largest thing an analysis makes).  Memory
    stays bounded: a file's garbage is collected when it ends, and a frozen
    object is still freed when no reference to it is left (parse trees hold no
    cycles)."""
    thresholds = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()


def settle() -> None:
    """After a file's analysis (in ``tuned_gc``): collect its garbage, freeze the rest."""
    gc.collect()
    gc.freeze()


def run(task: Task, cache: ParseCache) -> Result:
    """Analyse one file, with ``cache`` for the parse trees of the run; a failure
    that escapes the analysis is the file's own internal error (KC000)."""
    try:
        return _run(task, cache)
    except Exception as exc:  # noqa: BLE001 - one file's failure must not stop the run
        return failed(task, f"{type(exc).__name__}: {exc}")


def _run(task: Task, cache: ParseCache) -> Result:
    from kerascheck.analysis import analyze_bytes
    from kerascheck.interpreter.modules import Reads

    reads = Reads()
    options = task.options
    # The uncacheable codes are kept until they are seen, then the options' filter
    # applies to them too (after the inline suppressions, as ``analysis.finish`` does).
    keeping = dataclasses.replace(options, reports=lambda code: code in UNCACHEABLE or options.reported(code))
    report = analyze_bytes(task.data, task.path, keeping, cache, reads)
    cacheable = not any(d.code in UNCACHEABLE for d in report.diagnostics)
    report.diagnostics = [d for d in report.diagnostics if options.reported(d.code)]
    return Result(report, reads, cacheable)


def failed(task: Task, why: str) -> Result:
    """The report of a file whose analysis did not finish: KC000 saying ``why``."""
    from kerascheck.analysis import analyze_bytes, finish, to_diagnostic
    from kerascheck.diagnostics import Span
    from kerascheck.findings import Finding

    source = decode(task.data) if isinstance(task.data, bytes) else task.data
    if isinstance(source, NotRead):  # not analysed at all: the worker did not fail on it
        return Result(analyze_bytes(source, task.path, task.options), None, False)
    report = FileReport(task.path, source=source)
    finding = Finding("KC000", None, f"internal error while analysing this file: {why}")
    report.diagnostics.append(to_diagnostic(finding, Span(1, 1, 1, 1)))
    return Result(finish(report, task.options), None, False)


def _folder(path: str) -> str:
    return os.path.dirname(path)


class _Queue:
    """The files left to hand out, by folder, in the order they came."""

    def __init__(self) -> None:
        self.folders: OrderedDict[str, deque[int]] = OrderedDict()

    def add(self, index: int, path: str) -> None:
        self.folders.setdefault(_folder(path), deque()).append(index)

    def put_back(self, index: int, path: str) -> None:
        """Hand ``index`` out next (a task taken back from a worker)."""
        folder = _folder(path)
        self.folders.setdefault(folder, deque()).appendleft(index)
        self.folders.move_to_end(folder, last=False)

    def next(self, folder: str | None, others: set[str | None]) -> int | None:
        """The next file for a worker whose last file was in ``folder``, while the
        other workers are in the folders ``others``: of the same folder, else of the
        first folder no worker is in, else of the folder with the most files left."""
        if not self.folders:
            return None
        if folder is None or folder not in self.folders:
            free = [f for f in self.folders if f not in others]
            folder = free[0] if free else max(self.folders, key=lambda f: len(self.folders[f]))
        left = self.folders[folder]
        index = left.popleft()
        if not left:
            del self.folders[folder]
        return index


class _Worker:
    def __init__(self, context: BaseContext) -> None:
        self.connection, theirs = context.Pipe()
        self.process: BaseProcess = context.Process(target=serve, args=(theirs,), daemon=True)  # type: ignore[attr-defined]
        self.process.start()
        theirs.close()
        self.tasks: deque[int] = deque()  # sent and not answered yet, the one being analysed first
        self.folder: str | None = None

    def stop(self) -> None:
        """End the worker: at once if it is still analysing (the run was interrupted)."""
        if self.tasks:
            self.process.terminate()
        else:
            try:
                self.connection.send(None)
            except OSError:
                pass
        self.connection.close()
        self.process.join()


class _Pool:
    """Workers fed from ``tasks`` as they come, each with the task it analyses and,
    when that one is small, the next one waiting in its pipe (no wait between two
    files)."""

    def __init__(self, tasks: Iterator[tuple[int, Task]], jobs: int) -> None:
        self.source: Iterator[tuple[int, Task]] | None = tasks  # None once read to its end
        self.tasks: dict[int, Task] = {}  # taken from the source and not done yet
        self.jobs = jobs
        self.queue = _Queue()
        self.context = _context()
        from multiprocessing.reduction import ForkingPickler

        self.dumps = ForkingPickler.dumps

    def results(self) -> Iterator[tuple[int, Task, Result]]:
        from multiprocessing.connection import wait

        workers = [_Worker(self.context) for _ in range(self.jobs)]
        try:
            while True:
                for worker in workers:
                    self._give(worker, workers)
                busy = [w for w in workers if w.tasks]
                if not busy and self.source is None:
                    return
                waited = [w.connection for w in busy] + [w.process.sentinel for w in busy]
                ready = wait(waited, timeout=0 if self.source is not None else None) if waited else []
                if not ready:
                    self._take()  # nothing to answer yet: the main process finds the next file
                    continue
                for index, worker in enumerate(workers):
                    if worker.tasks and (worker.connection in ready or worker.process.sentinel in ready):
                        done, alive = self._receive(worker)
                        if not alive:
                            worker.connection.close()
                            worker.process.join()
                            workers[index] = _Worker(self.context)
                        yield done
        finally:
            for worker in workers:
                worker.stop()

    def _take(self) -> None:
        """Queue the next task of the source, if any is left."""
        if self.source is None:
            return
        taken = next(self.source, None)
        if taken is None:
            self.source = None
            return
        index, task = taken
        self.tasks[index] = task
        self.queue.add(index, task.path)

    def _give(self, worker: _Worker, workers: list[_Worker]) -> None:
        """Send ``worker`` a task if it has none, or only one and the next is small."""
        while len(worker.tasks) < 2:
            if not self.queue.folders:
                self._take()
                if not self.queue.folders:
                    return
            others = {w.folder for w in workers if w is not worker and w.tasks}
            index = self.queue.next(worker.folder, others)
            assert index is not None
            task = self.tasks[index]
            message = self.dumps((index, task))
            if worker.tasks and len(message) > MAX_WAITING_MESSAGE:  # it could fill the pipe: sent when the worker is free
                self.queue.put_back(index, task.path)
                return
            worker.tasks.append(index)
            worker.folder = _folder(task.path)
            try:
                worker.connection.send_bytes(message)
            except OSError:
                return  # the worker just died: the next wait finds it, and its files are reported

    def _receive(self, worker: _Worker) -> tuple[tuple[int, Task, Result], bool]:
        """The worker's next result, and whether the worker lives: when it died, the
        file it was analysing is reported as failed, the one waiting goes back to the queue."""
        try:
            index, result = worker.connection.recv()
        except (EOFError, OSError):
            worker.process.join()
            code = worker.process.exitcode
            why = f"the process analysing it ended (exit code {code})" if code is None or code >= 0 else \
                f"the process analysing it was killed (signal {-code})"
            failing = worker.tasks.popleft()
            for waiting in reversed(worker.tasks):
                self.queue.put_back(waiting, self.tasks[waiting].path)
            worker.tasks.clear()
            task = self.tasks.pop(failing)
            return (failing, task, failed(task, why)), False
        assert index == worker.tasks[0]
        worker.tasks.popleft()
        return (index, self.tasks.pop(index), result), True


def _context() -> BaseContext:
    """Forked workers start at once with what this process imported; elsewhere
    (macOS, Windows) they are spawned.  (``multiprocessing`` is imported only for a
    run that has workers.)"""
    import multiprocessing
    return multiprocessing.get_context("fork" if sys.platform.startswith("linux") else "spawn")


def serve(connection: Connection) -> None:
    """A worker: analyse the files sent until told to stop (``None``)."""
    from kerascheck.deep_stack import with_deep_stack

    with tuned_gc():
        with_deep_stack(_serve, connection)


def _serve(connection: Connection) -> None:
    from kerascheck.interpreter.modules import ParseCache

    cache = ParseCache(parsed=gc.freeze)
    while True:
        try:
            message: Any = connection.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        index, task = message
        result = run(task, cache)
        try:
            connection.send((index, result))
        except Exception as exc:  # noqa: BLE001 - a report that cannot be sent back
            connection.send((index, failed(task, f"{type(exc).__name__}: {exc}")))
        del result
        settle()
