"""``kerascheck server`` driven over standard input and output as an editor drives it
(pytest-lsp): one server for the module, in a temporary workspace whose
``pyproject.toml`` configures it; each test opens buffers of its own."""

from __future__ import annotations

import asyncio
import json
import sys
import time
from pathlib import Path

import pytest

pytest.importorskip("pytest_lsp")

import pytest_lsp  # noqa: E402 - after the skip
from lsprotocol import types  # noqa: E402
from pytest_lsp import ClientServerConfig, LanguageClient  # noqa: E402

from kerascheck.cli import main  # noqa: E402

pytestmark = pytest.mark.asyncio(loop_scope="module")

MODEL = """\
import keras
from keras import layers

inputs = keras.Input(shape=(28, 28, 1))
x = layers.Conv2D(32, 7, strides=3, use_bias=False)(inputs)
x = layers.Conv2D(64, 5, strides=2, use_bias=False, name="c😀")(x)
x = layers.Flatten()(x)
outputs = layers.Dense(10, activation="softmax")(x)
model = keras.Model(inputs, outputs)
"""
CONFIG = '[tool.kerascheck]\nper-file-ignores = { "quiet/*.py" = ["KC201"] }\n'


@pytest.fixture(scope="module")
def workspace(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("workspace")
    (root / "pyproject.toml").write_text(CONFIG)
    return root


@pytest_lsp.fixture(
    scope="module", config=ClientServerConfig(server_command=[sys.executable, "-m", "kerascheck", "server"])
)
async def client(lsp_client: LanguageClient, workspace: Path):
    params = types.InitializeParams(
        capabilities=types.ClientCapabilities(),  # no pull diagnostics: the server pushes them
        root_uri=workspace.as_uri(),
        initialization_options={"debounce": 10},
    )
    await lsp_client.initialize_session(params)
    yield
    await lsp_client.shutdown_session()


def open_buffer(client: LanguageClient, path: Path, text: str) -> str:
    """Open an unsaved buffer for ``path`` (nothing is written to disk)."""
    uri = path.as_uri()
    client.text_document_did_open(types.DidOpenTextDocumentParams(types.TextDocumentItem(uri, "python", 1, text)))
    return uri


async def pushed(client: LanguageClient, uri: str, timeout: float = 20.0) -> list[types.Diagnostic]:
    """The diagnostics last pushed for ``uri``, once some are."""
    deadline = time.monotonic() + timeout
    while uri not in client.diagnostics:
        assert time.monotonic() < deadline, f"no diagnostics for {uri}"
        await asyncio.sleep(0.01)
    return list(client.diagnostics.pop(uri))


async def pulled(client: LanguageClient, uri: str) -> list[types.Diagnostic]:
    report = await client.text_document_diagnostic_async(types.DocumentDiagnosticParams(types.TextDocumentIdentifier(uri)))
    assert isinstance(report, types.RelatedFullDocumentDiagnosticReport)
    return list(report.items)


def cli_diagnostics(path: Path, capsys) -> list[dict]:
    main(["check", "--output-format", "json", str(path)])
    return json.loads(capsys.readouterr().out)["files"][0]["diagnostics"]


async def test_an_unsaved_buffer_gets_the_cli_diagnostics_with_the_workspace_configuration(client, workspace, capsys):
    (workspace / "saved.py").write_text(MODEL, encoding="utf-8")
    [expected] = cli_diagnostics(workspace / "saved.py", capsys)
    [found] = await pushed(client, open_buffer(client, workspace / "model.py", MODEL))
    assert (found.code, found.source, found.severity) == ("KC201", "kerascheck", types.DiagnosticSeverity.Information)
    assert found.message == f"{expected['message']}\nFix: {expected['fix']}"
    assert found.code_description and found.code_description.href.endswith("rules.md#kc201-fractional-stride-drop")
    start, end = found.range.start, found.range.end
    assert (start.line, start.character) == (expected["line"] - 1, expected["column"] - 1)
    # the span ends after "c😀": one code point, two UTF-16 units
    assert (end.line, end.character) == (expected["end_line"] - 1, expected["end_column"] - 1 + 1)
    assert await pushed(client, open_buffer(client, workspace / "quiet" / "model.py", MODEL)) == []


async def test_shapes_and_counts_as_inlay_hints_hover_and_code_lens(client, workspace):
    uri = open_buffer(client, workspace / "shapes.py", MODEL)
    document = types.TextDocumentIdentifier(uri)
    everything = types.Range(types.Position(0, 0), types.Position(9, 0))
    hints = await client.text_document_inlay_hint_async(types.InlayHintParams(document, everything))
    assert [(h.position.line, h.label) for h in hints] == [
        (4, "→ (None, 8, 8, 32) · 1,568"),
        (5, "→ (None, 2, 2, 64) · 51,200"),
        (6, "→ (None, 256) · 0"),
        (7, "→ (None, 10) · 2,570"),
    ]
    assert hints[1].position.character == len(MODEL.splitlines()[5]) + 1  # UTF-16 units
    hover = await client.text_document_hover_async(types.HoverParams(document, types.Position(4, 15)))
    assert hover is not None and isinstance(hover.contents, types.MarkupContent)
    assert "**conv2d** (Conv2D) in `functional`" in hover.contents.value
    assert "height = floor((28 + 0 − 7) / 3) + 1 = 8" in hover.contents.value
    on_model = await client.text_document_hover_async(types.HoverParams(document, types.Position(8, 12)))
    assert on_model is not None and isinstance(on_model.contents, types.MarkupContent)
    assert "functional (functional)" in on_model.contents.value and "Total params: 55,338" in on_model.contents.value
    [lens] = await client.text_document_code_lens_async(types.CodeLensParams(document))
    assert lens.range.start.line == 8 and lens.command is not None
    assert lens.command.title == "functional: 55,338 params (55,338 trainable, 0 non-trainable)"


async def test_the_noqa_action_applied_silences_the_diagnostic_and_close_clears_them(client, workspace):
    uri = open_buffer(client, workspace / "fix.py", MODEL)
    [diagnostic] = await pushed(client, uri)
    context = types.CodeActionContext(diagnostics=[diagnostic])
    params = types.CodeActionParams(types.TextDocumentIdentifier(uri), diagnostic.range, context)
    actions = await client.text_document_code_action_async(params)
    assert [a.title for a in actions] == ["Suppress KC201 on this line (# noqa)", "Suppress KC201 in this file"]
    [edit] = actions[0].edit.changes[uri]
    assert edit.new_text == "  # noqa: KC201"
    change = types.TextDocumentContentChangePartial(range=edit.range, text=edit.new_text)
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(types.VersionedTextDocumentIdentifier(version=2, uri=uri), [change])
    )
    assert await pulled(client, uri) == []
    # undo it in a burst of edits: the last text's analysis is the one reported
    for version, text in enumerate([MODEL + "\n", MODEL + "\n\n", MODEL], start=3):
        whole = types.TextDocumentContentChangeWholeDocument(text=text)
        client.text_document_did_change(
            types.DidChangeTextDocumentParams(types.VersionedTextDocumentIdentifier(version=version, uri=uri), [whole])
        )
    assert [d.code for d in await pulled(client, uri)] == ["KC201"]
    client.text_document_did_close(types.DidCloseTextDocumentParams(types.TextDocumentIdentifier(uri)))
    client.diagnostics.pop(uri, None)
    assert await pushed(client, uri) == []


LEGACY = """\
from keras.models import Sequential
from keras.layers import Convolution2D, Dense, Flatten

m = Sequential()
m.add(Convolution2D(6, 5, 5, border_mode="same", input_shape=(29, 29, 1), name="c😀"))
m.add(Convolution2D(6, 5, 5, name="c😀😀", subsample=(2, 2)))
m.add(Flatten())
m.add(Dense(output_dim=10))
"""


def applied(text: str, edits: list[types.TextEdit]) -> str:
    """``text`` with an action's edits (UTF-16 positions) applied, as an editor does."""
    lines = text.splitlines(keepends=True)
    for edit in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
        start, end = edit.range.start, edit.range.end
        assert start.line == end.line
        units = lines[start.line].encode("utf-16-le")
        line = units[: 2 * start.character] + edit.new_text.encode("utf-16-le") + units[2 * end.character :]
        lines[start.line] = line.decode("utf-16-le")
    return "".join(lines)


async def test_the_preferred_quick_fix_applies_the_keras_3_spelling(client, workspace):
    uri = open_buffer(client, workspace / "legacy.py", LEGACY)
    diagnostics = await pushed(client, uri)
    assert [d.code for d in diagnostics] == ["KC301", "KC301", "KC301"]
    text = LEGACY
    for diagnostic in reversed(diagnostics):  # the edits of later lines do not move earlier ones
        context = types.CodeActionContext(diagnostics=[diagnostic])
        params = types.CodeActionParams(types.TextDocumentIdentifier(uri), diagnostic.range, context)
        fix, *suppressions = await client.text_document_code_action_async(params)
        assert fix.is_preferred and fix.kind == types.CodeActionKind.QuickFix and fix.title.startswith("Fix KC301: ")
        assert [a.is_preferred for a in suppressions] == [None, None]
        text = applied(text, fix.edit.changes[uri])
    assert text == LEGACY.replace("5, 5", "(5, 5)").replace("border_mode", "padding").replace(
        "subsample", "strides"
    ).replace("output_dim", "units")
    whole = types.TextDocumentContentChangeWholeDocument(text=text)
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(types.VersionedTextDocumentIdentifier(version=2, uri=uri), [whole])
    )
    assert await pulled(client, uri) == []


async def latest(client: LanguageClient, uri: str, codes: list[str], timeout: float = 20.0) -> None:
    """Wait until the diagnostics pushed last for ``uri`` have ``codes``."""
    deadline = time.monotonic() + timeout
    while uri not in client.diagnostics or [d.code for d in client.diagnostics[uri]] != codes:
        assert time.monotonic() < deadline, f"{uri}: {client.diagnostics.get(uri)}"
        await asyncio.sleep(0.01)


async def test_an_imported_module_is_read_from_its_unsaved_buffer(client, workspace):
    """Importers are analysed again when the module's buffer opens, changes and closes
    (the importer is a new file, not saved yet)."""
    (workspace / "widths.py").write_text("UNITS = 8\n")
    importer = workspace / "uses_widths.py"
    text = "import keras\nimport widths\n\nm = keras.Sequential([keras.Input((4,)), keras.layers.Dense(widths.UNITS)])\n"
    main_uri = open_buffer(client, importer, text)
    await latest(client, main_uri, [])
    widths = open_buffer(client, workspace / "widths.py", "UNITS = 0\n")  # unsaved
    await latest(client, main_uri, ["KC105"])
    for version, units in enumerate(["4", "-1", "16"], start=2):  # typing: the last text counts
        whole = types.TextDocumentContentChangeWholeDocument(text=f"UNITS = {units}\n")
        client.text_document_did_change(
            types.DidChangeTextDocumentParams(types.VersionedTextDocumentIdentifier(version=version, uri=widths), [whole])
        )
    await latest(client, main_uri, [])
    hints = await client.text_document_inlay_hint_async(
        types.InlayHintParams(types.TextDocumentIdentifier(main_uri), types.Range(types.Position(0, 0), types.Position(4, 0)))
    )
    assert [h.label for h in hints] == ["→ (None, 16) · 80"]
    whole = types.TextDocumentContentChangeWholeDocument(text="UNITS = 0\n")
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(types.VersionedTextDocumentIdentifier(version=9, uri=widths), [whole])
    )
    await latest(client, main_uri, ["KC105"])
    client.text_document_did_close(types.DidCloseTextDocumentParams(types.TextDocumentIdentifier(widths)))
    await latest(client, main_uri, [])  # the disk's UNITS = 8 again
