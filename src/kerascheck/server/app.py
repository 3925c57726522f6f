"""The language server on pygls: which requests it answers, and when buffers are analysed.

Each open buffer is analysed on ``didOpen``, ``didSave`` and ``didChange``:
an edit after a pause at once, an edit that follows another within the
``debounce`` time once the typing pauses that long.  The open buffers overlay
the disk: a module of the project is read from its buffer when it has one, and
the open buffers whose last analysis read a module are analysed again (debounced
alike) when its buffer is opened, changed or closed.  Analyses run one at a
time on a worker thread, never on the thread that reads the protocol; an edit
makes the analysis of the previous text stop early and its result be dropped.
Requests about a buffer (hover, inlay hints, code lenses, pull diagnostics)
wait for the analysis of its current text.

Diagnostics are pushed (``publishDiagnostics``) unless the client pulls them
(``textDocument/diagnostic``), as ruff's server does, so they are never shown twice.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Callable, Sequence

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path

from kerascheck import __version__
from kerascheck.server import protocol, suppress
from kerascheck.server.analyser import Analyser, Result, Snapshot, collect_if_due

DEBOUNCE_SECONDS = 0.15
CONFIG_FILE = "pyproject.toml"


class Scheduler:
    """The analyses of the open buffers: at most one running, the latest text's only."""

    def __init__(self, server: KerascheckServer, analyser: Analyser, on_result: Callable[[Result], None]) -> None:
        self.server = server
        self.analyser = analyser
        self.on_result = on_result
        self.changes = itertools.count(1)
        self.generation: dict[str, int] = {}  # by URI: the number of its latest change (of any buffer's)
        self.changed_at: dict[str, float] = {}  # by URI: when it last changed (the event loop's clock)
        self.results: dict[str, Result] = {}
        self.ready: dict[str, asyncio.Event] = {}  # set while the result is the current text's
        self.tasks: dict[str, asyncio.Task[None]] = {}
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kerascheck-worker")

    def changed(self, uri: str, debounce: float = 0.0) -> None:
        """The buffer ``uri`` is new or changed: analyse it, and the open buffers
        whose analysis read its module (debounced alike)."""
        self.schedule(uri, debounce)
        for importer in self.importers(uri):
            self.schedule(importer, debounce)

    def importers(self, uri: str) -> list[str]:
        """The other open buffers whose last analysis read the module of ``uri``."""
        path = _resolved(uri)
        return [other for other, result in self.results.items() if other != uri and path in result.imported]

    def schedule(self, uri: str, debounce: float = 0.0) -> None:
        """Analyse the buffer ``uri`` now if it had not changed for ``debounce``
        seconds, else once it has not for that long."""
        now = asyncio.get_running_loop().time()
        delay = debounce if now - self.changed_at.get(uri, -debounce) < debounce else 0.0
        self.changed_at[uri] = now
        generation = self.generation[uri] = next(self.changes)
        if uri in self.tasks:
            self.tasks[uri].cancel()
        if uri not in self.ready or self.ready[uri].is_set():
            self.ready[uri] = asyncio.Event()
        self.tasks[uri] = asyncio.ensure_future(self._analyse(uri, generation, delay))

    def closed(self, uri: str) -> None:
        """The buffer ``uri`` is closed: its importers read its module from disk again."""
        self.generation.pop(uri, None)
        self.changed_at.pop(uri, None)
        self.results.pop(uri, None)
        if uri in self.tasks:
            self.tasks.pop(uri).cancel()
        if uri in self.ready:
            self.ready.pop(uri).set()  # wakes the requests waiting for it
        for importer in self.importers(uri):
            self.schedule(importer)

    def open_documents(self) -> list[str]:
        return list(self.generation)

    async def result(self, uri: str) -> Result | None:
        """The analysis of the buffer's current text (None once it is closed)."""
        while uri in self.generation:
            result = self.results.get(uri)
            if result is not None and result.snapshot.generation == self.generation[uri]:
                return result
            await self.ready[uri].wait()
        return None

    def _current(self, uri: str, generation: int) -> bool:
        return self.generation.get(uri) == generation

    async def _analyse(self, uri: str, generation: int, delay: float) -> None:
        if delay:
            await asyncio.sleep(delay)
        document = self.server.workspace.get_text_document(uri)
        path = to_fs_path(uri)
        overlay = {
            _resolved(other): self.server.workspace.get_text_document(other).source.encode("utf-8")
            for other in self.generation
            if other != uri and to_fs_path(other)
        }
        snapshot = Snapshot(uri, Path(path) if path else None, document.source, generation, document.version, overlay)

        def stop() -> bool:  # asked on the worker thread
            return not self._current(uri, generation)

        loop = asyncio.get_running_loop()
        result = await loop.run_in_executor(self.executor, self.analyser.run, snapshot, stop)
        if self._current(uri, generation):
            self.results[uri] = result
            self.ready[uri].set()
            self.on_result(result)
        await loop.run_in_executor(self.executor, collect_if_due)  # once published

    def shutdown(self) -> None:
        self.executor.shutdown(wait=False, cancel_futures=True)


class KerascheckServer(LanguageServer):
    """The server's state: the scheduler (made at ``initialize``, when the
    workspace and position encoding are known) and what the client supports."""

    def __init__(self) -> None:
        super().__init__("kerascheck", __version__, text_document_sync_kind=types.TextDocumentSyncKind.Incremental)
        self.debounce = DEBOUNCE_SECONDS
        self.pull = False  # the client pulls diagnostics: none are pushed
        self.shown: set[str] = set()  # problems already shown to the user
        self._scheduler: Scheduler | None = None

    @property
    def scheduler(self) -> Scheduler:
        if self._scheduler is None:
            raise RuntimeError("the server is not initialized")
        return self._scheduler

    def start(self, params: types.InitializeParams) -> None:
        options = params.initialization_options if isinstance(params.initialization_options, dict) else {}
        if isinstance(options.get("debounce"), (int, float)):
            self.debounce = max(0.0, options["debounce"] / 1000)
        capabilities = params.capabilities.text_document
        self.pull = capabilities is not None and capabilities.diagnostic is not None
        root = Path(self.workspace.root_path) if self.workspace.root_path else Path.cwd()
        encoding = self.workspace.position_encoding or types.PositionEncodingKind.Utf16
        self._scheduler = Scheduler(self, Analyser(root, encoding), self.publish)

    def publish(self, result: Result) -> None:
        """Log the result's problems (showing each once), and push its diagnostics."""
        for problem in result.problems:
            self.window_log_message(types.LogMessageParams(type=types.MessageType.Error, message=problem))
            headline = problem.splitlines()[0]
            if headline not in self.shown:
                self.shown.add(headline)
                self.window_show_message(types.ShowMessageParams(type=types.MessageType.Warning, message=f"kerascheck: {headline}"))
        if not self.pull:
            snapshot = result.snapshot
            self.text_document_publish_diagnostics(
                types.PublishDiagnosticsParams(uri=snapshot.uri, diagnostics=result.diagnostics, version=snapshot.version)
            )

    def reanalyse_all(self) -> None:
        for uri in self.scheduler.open_documents():
            self.scheduler.schedule(uri)
        if self.pull and _refresh_supported(self.client_capabilities):
            self.workspace_diagnostic_refresh(None)


def _refresh_supported(capabilities: types.ClientCapabilities) -> bool:
    workspace = capabilities.workspace
    return bool(workspace and workspace.diagnostics and workspace.diagnostics.refresh_support)


def _resolved(uri: str) -> str:
    """The resolved path of a file's URI ("" for another URI), as analyses name the modules they read."""
    path = to_fs_path(uri)
    return str(Path(path).resolve()) if path else ""


def _is_config(uri: str) -> bool:
    return uri.rsplit("/", 1)[-1] == CONFIG_FILE


def make_server() -> KerascheckServer:
    """A server with every feature registered."""
    server = KerascheckServer()

    @server.feature(types.INITIALIZE)
    def initialize(ls: KerascheckServer, params: types.InitializeParams) -> None:
        ls.start(params)

    @server.feature(types.INITIALIZED)
    def initialized(ls: KerascheckServer, params: types.InitializedParams) -> None:
        workspace = ls.client_capabilities.workspace
        watched = workspace.did_change_watched_files if workspace else None
        if watched and watched.dynamic_registration:
            watcher = types.FileSystemWatcher(glob_pattern=f"**/{CONFIG_FILE}")
            options = types.DidChangeWatchedFilesRegistrationOptions(watchers=[watcher])
            registration = types.Registration(
                id="kerascheck-config", method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES, register_options=options
            )
            ls.client_register_capability(types.RegistrationParams(registrations=[registration]))

    @server.feature(types.SHUTDOWN)
    def shutdown(ls: KerascheckServer, params: None) -> None:
        if ls._scheduler is not None:
            ls._scheduler.shutdown()

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: KerascheckServer, params: types.DidOpenTextDocumentParams) -> None:
        ls.scheduler.changed(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: KerascheckServer, params: types.DidChangeTextDocumentParams) -> None:
        ls.scheduler.changed(params.text_document.uri, ls.debounce)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: KerascheckServer, params: types.DidSaveTextDocumentParams) -> None:
        if _is_config(params.text_document.uri):
            ls.scheduler.analyser.forget_configuration()
        ls.reanalyse_all()  # the other buffers may import the saved file

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: KerascheckServer, params: types.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        ls.scheduler.closed(uri)
        if not ls.pull:
            ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def watched_files(ls: KerascheckServer, params: types.DidChangeWatchedFilesParams) -> None:
        if any(_is_config(change.uri) for change in params.changes):
            ls.scheduler.analyser.forget_configuration()
            ls.reanalyse_all()

    @server.feature(
        types.TEXT_DOCUMENT_DIAGNOSTIC,
        types.DiagnosticOptions(identifier="kerascheck", inter_file_dependencies=True, workspace_diagnostics=False),
    )
    async def pull_diagnostics(
        ls: KerascheckServer, params: types.DocumentDiagnosticParams
    ) -> types.DocumentDiagnosticReport:
        result = await ls.scheduler.result(params.text_document.uri)
        if result is None:
            return types.RelatedFullDocumentDiagnosticReport(items=[])
        result_id = str(result.snapshot.generation)
        if params.previous_result_id == result_id:
            return types.RelatedUnchangedDocumentDiagnosticReport(result_id=result_id)
        return types.RelatedFullDocumentDiagnosticReport(items=result.diagnostics, result_id=result_id)

    @server.feature(types.TEXT_DOCUMENT_INLAY_HINT)
    async def inlay_hints(ls: KerascheckServer, params: types.InlayHintParams) -> list[types.InlayHint] | None:
        result = await ls.scheduler.result(params.text_document.uri)
        if result is None:
            return None
        return protocol.inlay_hints(result.report, result.lines, params.range.start.line, params.range.end.line)

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    async def hover(ls: KerascheckServer, params: types.HoverParams) -> types.Hover | None:
        result = await ls.scheduler.result(params.text_document.uri)
        return protocol.hover(result.report, result.lines, params.position) if result else None

    @server.feature(types.TEXT_DOCUMENT_CODE_LENS)
    async def code_lens(ls: KerascheckServer, params: types.CodeLensParams) -> list[types.CodeLens] | None:
        result = await ls.scheduler.result(params.text_document.uri)
        return protocol.code_lenses(result.report, result.lines) if result else None

    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION, types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix])
    )
    def code_actions(ls: KerascheckServer, params: types.CodeActionParams) -> list[types.CodeAction]:
        uri = params.text_document.uri
        source = ls.workspace.get_text_document(uri).source
        encoding = ls.workspace.position_encoding or types.PositionEncodingKind.Utf16
        diagnostics = params.context.diagnostics
        return fix_actions(uri, diagnostics) + suppression_actions(uri, source, diagnostics, encoding)

    return server


def fix_actions(uri: str, diagnostics: Sequence[types.Diagnostic]) -> list[types.CodeAction]:
    """For each of kerascheck's diagnostics whose fix is a set of edits: apply them
    (the preferred action, an editor's "fix this")."""
    actions = []
    for diagnostic in diagnostics:
        edits = protocol.fix_edits(diagnostic) if diagnostic.source == protocol.SOURCE else []
        if not edits:
            continue
        fix = diagnostic.data.get("fix") if isinstance(diagnostic.data, dict) else None
        actions.append(
            types.CodeAction(
                title=f"Fix {diagnostic.code}: {fix}" if fix else f"Fix {diagnostic.code}",
                kind=types.CodeActionKind.QuickFix,
                diagnostics=[diagnostic],
                is_preferred=True,
                edit=types.WorkspaceEdit(changes={uri: edits}),
            )
        )
    return actions


def suppression_actions(
    uri: str, source: str, diagnostics: Sequence[types.Diagnostic], encoding: str
) -> list[types.CodeAction]:
    """For each of kerascheck's diagnostics (but KC000): suppress it on its line, or in the file."""
    lines = protocol.Lines(source, encoding)
    actions = []
    for diagnostic in diagnostics:
        code = diagnostic.code
        if diagnostic.source != protocol.SOURCE or not isinstance(code, str) or code == "KC000":
            continue
        edits = [
            (f"Suppress {code} on this line (# noqa)", suppress.noqa(source, diagnostic.range.start.line, diagnostic.range.end.line, code)),
            (f"Suppress {code} in this file", suppress.ignore_file(source, code)),
        ]
        for title, edit in edits:
            if edit is None:
                continue
            start = lines.position(edit.line, edit.column)
            end = lines.position(edit.line, edit.end_column)
            change = types.TextEdit(range=types.Range(start, end), new_text=edit.text)
            actions.append(
                types.CodeAction(
                    title=title,
                    kind=types.CodeActionKind.QuickFix,
                    diagnostics=[diagnostic],
                    edit=types.WorkspaceEdit(changes={uri: [change]}),
                )
            )
    return actions


def serve() -> None:
    """Run the server on standard input and output until the client exits."""
    logging.basicConfig(level=logging.WARNING, format="kerascheck server: %(levelname)s %(message)s")
    make_server().start_io()
