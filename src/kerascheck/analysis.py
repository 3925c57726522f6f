"""The pipeline for one file: read → parse → interpret → model graph → report data."""

from __future__ import annotations

import ast
import functools
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

import libcst as cst

from kerascheck import suppression
from kerascheck.cascades import fold_consequences
from kerascheck.diagnostics import Diagnostic, Span, TextEdit
from kerascheck.elsewhere import Placer
from kerascheck.findings import Finding
from kerascheck.graph import Counts, Layer, Model, Operation, Row
from kerascheck.input_shapes import InputShapes, Shape
from kerascheck.interpreter.engine import Interpreter
from kerascheck.interpreter.library import Libraries, Library
from kerascheck.interpreter.limits import AnalysisLimit, Limits
from kerascheck.interpreter.modules import ParseCache, Project, Reads, parse
from kerascheck.interpreter.origins import Origins
from kerascheck.interpreter.parse_limits import ParseLimit
from kerascheck.interpreter.statements import source_text
from kerascheck.keras.library import KerasLibrary
from kerascheck.libraries.numpy_library import NumPyLibrary
from kerascheck.libraries.tensorflow_library import TensorFlowLibrary
from kerascheck.modelbuild import ensure_rows
from kerascheck.positions import Positions
from kerascheck.prefilter import MENTIONS_KERAS
from kerascheck.report import FileReport, LayerReport, ModelReport
from kerascheck.rules import all_rules
from kerascheck.rules.base import ModelView, Rule, RuleContext
from kerascheck.rules.selection import is_opt_in, rules_for
from kerascheck.sources import NotRead, decode
from kerascheck.unknown import is_unknown

if TYPE_CHECKING:
    from kerascheck.config import Settings

LIBCST_LINE = re.compile(r"error at (\d+):")


@dataclass
class Options:
    data_format: str = "channels_last"
    explain: bool = False
    limits: Limits = field(default_factory=Limits)
    #: the rules to run; None: those ``summary`` runs (``rules.selection.rules_for``)
    rules: tuple[Rule, ...] | None = None
    #: rule options by kebab-case name (each rule's defaults fill the rest)
    rule_options: dict[str, Any] = field(default_factory=dict)
    #: which codes are reported (None: all but the opt-in ones); applied with the inline suppressions
    reports: Callable[[str], bool] | None = None
    #: input shapes given by function or model name (``--input-shape``, ``input-shapes``)
    input_shapes: dict[str, Shape] = field(default_factory=dict)

    def selected_rules(self) -> tuple[Rule, ...]:
        return self.rules if self.rules is not None else rules_for("summary")

    def reported(self, code: str) -> bool:
        """Whether diagnostics of ``code`` are reported."""
        return self.reports(code) if self.reports is not None else not is_opt_in(code)


#: the rules of a command by the settings' ``selection`` (settings without per-file ignores)
_RULES: dict[tuple[str, Any], tuple[Rule, ...]] = {}


def options_for(
    settings: Settings,
    path: Path | None,
    command: str,
    data_format: str | None = None,
    input_shapes: dict[str, Shape] | None = None,
    explain: bool = False,
) -> Options:
    """The options ``command`` (``check`` or ``summary``) analyses the file ``path``
    with under ``settings``; ``data_format`` and ``input_shapes`` (the command
    line's) take precedence over the settings'."""
    enabled = functools.partial(settings.enabled, path=path)
    if settings.selection is None:
        rules = rules_for(command, enabled)
    else:  # the same rules for every file: chosen once per run (they were a tenth of its start)
        key = (command, settings.selection)
        if key not in _RULES:
            _RULES[key] = rules_for(command, enabled)
        rules = _RULES[key]
    return Options(
        data_format=data_format or settings.data_format or "channels_last",
        explain=explain,
        rules=rules,
        rule_options=settings.rule_options,
        reports=enabled,
        input_shapes={**settings.input_shapes, **(input_shapes or {})},
    )


def analyze_bytes(
    data: bytes | NotRead, path: str, options: Options, cache: ParseCache | None = None, reads: Reads | None = None
) -> FileReport:
    """Analyse one file's content (or report why it was not read); never raises.
    ``cache``: the parse trees shared by the files of one run (None: this file's
    own); ``reads`` receives what the analysis found on disk (the project's modules
    it read, the paths it tried)."""
    source = decode(data) if isinstance(data, bytes) else data
    if isinstance(source, NotRead):
        report = FileReport(path, analysed=False)
        span = Span(source.line, source.column, source.line, source.column)
        report.diagnostics.append(to_diagnostic(Finding(source.code, None, source.message), span))
        return finish(report, options)
    return analyze_source(source, path, options, cache=cache, reads=reads)


def analyze_source(
    source: str,
    path: str,
    options: Options,
    timings: dict[str, float] | None = None,
    cache: ParseCache | None = None,
    reads: Reads | None = None,
) -> FileReport:
    """Analyse one file's text; never raises.  ``timings`` (for the benchmark) receives
    the seconds spent in each stage: parsing, interpretation, rules, reporting;
    ``cache`` and ``reads`` are as for ``analyze_bytes``."""
    clock = _Stages(timings)
    report = _analyze(source, path, options, clock, cache, reads)
    finish(report, options)
    clock.lap("reporting")
    return report


def finish(report: FileReport, options: Options) -> FileReport:
    """Keep the diagnostics the options report and no comment suppresses, and
    report the suppressions that name an unknown code or suppress nothing (opt-in).
    A diagnostic placed in another module was kept by that module's comments."""
    reported = [d for d in report.diagnostics if options.reported(d.code)]
    diagnostics = [d for d in reported if d.path is None]
    auditing = options.reported(suppression.UNUSED) or options.reported(suppression.UNKNOWN)
    # (the comments are read only when there is something they may suppress or be reported for)
    suppressions = suppression.parse(report.source) if diagnostics or auditing else suppression.Suppressions()
    kept = suppression.apply(diagnostics, suppressions) + [d for d in reported if d.path is not None]
    if suppressions.directives and auditing:
        codes = list(all_rules())
        problems = suppression.audit(
            diagnostics,
            suppressions,
            known=lambda prefix: any(code.startswith(prefix) for code in codes),
            enabled=lambda prefix: any(code.startswith(prefix) and options.reported(code) for code in codes),
        )
        found = [to_diagnostic(Finding(p.code, None, p.message), p.span) for p in problems if options.reported(p.code)]
        kept += suppression.apply(found, suppressions, named_only=True)
    report.diagnostics = fold_consequences(kept)
    return report


def _analyze(
    source: str, path: str, options: Options, clock: "_Stages", cache: ParseCache | None, reads: Reads | None
) -> FileReport:
    report = FileReport(path, source=source)
    project = Project.of(path, cache, modelled(), reads)
    if not MENTIONS_KERAS.search(source) and not (project and project.reaches(source, MENTIONS_KERAS)):
        return report  # it cannot build a model (``prefilter``): not parsed
    try:
        module = project.cache.parse(project.file, source, imported=False) if project else parse(source)
    except cst.ParserSyntaxError as exc:
        report.diagnostics.append(syntax_error(source, path, exc))
        report.analysed = report.diagnostics[-1].code == "KC001"  # KC011: valid, yet not analysed
        return report
    except ParseLimit as exc:  # Python's own limit (a syntax error), or kerascheck's: not parsed
        finding = Finding("KC001", None, f"cannot parse: {exc}") if exc.python else Finding("KC002", None, f"{exc}: not parsed")
        report.diagnostics.append(to_diagnostic(finding, Span(exc.line, exc.column, exc.line, exc.column)))
        return report
    except RecursionError:
        finding = Finding("KC002", None, "code nested too deeply to parse: not analysed")
        report.diagnostics.append(to_diagnostic(finding, Span(1, 1, 1, 1)))
        return report
    clock.lap("parsing")
    origins = Origins()
    positions = Positions(module, origins.anchor)
    findings: list[Finding] = []
    try:
        keras = interpret(module, options, report, findings, project, origins)
        clock.lap("interpretation")
        findings.extend(run_rules(path, keras, options, origins))
        clock.lap("rules")
        positions.prepare(reported_nodes(keras.models, findings))
        report.models = [model_report(m, positions, options) for m in keras.models]
    except RecursionError:
        findings.append(Finding("KC002", None, "code nested too deeply to interpret"))
    except Exception as exc:  # noqa: BLE001 - one file's failure must not stop the run
        findings.append(Finding("KC000", None, f"internal error while analysing this file: {type(exc).__name__}: {exc}"))
    positions.prepare(node for finding in findings for node in (finding.node, *(e.node for e in finding.edits)))
    placer = Placer(origins, positions)
    diagnostics = (
        placer.place(to_diagnostic(finding, positions.span(finding.node), placed(finding, positions)), finding.node)
        for finding in findings
    )
    report.diagnostics = merge_repeats([d for d in diagnostics if d is not None])
    return report


def placed(finding: Finding, positions: Positions) -> tuple[TextEdit, ...]:
    """The finding's edits at their places in the file; none when one is not in it
    (a layer its helper in another module makes)."""
    edits = []
    for edit in finding.edits:
        span = positions.find(edit.node)
        if span is None:
            return ()
        if edit.at == "before":
            span = Span(span.line, span.column, span.line, span.column)
        elif edit.at == "after":
            span = Span(span.end_line, span.end_column, span.end_line, span.end_column)
        edits.append(TextEdit(span, edit.text))
    return tuple(edits)


def syntax_error(source: str, path: str, exc: cst.ParserSyntaxError) -> Diagnostic:
    """Python's own account of a source libcst cannot parse (compiled to a syntax
    tree only, never run): KC001 at the place and with the message Python gives,
    or KC011 when Python reads it (a construct libcst does not support)."""
    try:
        compile(source, path, "exec", flags=ast.PyCF_ONLY_AST, dont_inherit=True)
    except SyntaxError as error:
        line, column = error.lineno or 1, error.offset or 1
        end = (error.end_lineno or line, error.end_offset or column)
        span = Span(line, column, *end) if end > (line, column) else Span(line, column, line, column)
        return to_diagnostic(Finding("KC001", None, error.msg), span)
    except (ValueError, RecursionError, MemoryError):  # Python cannot say: libcst's account
        line, column = exc.raw_line, exc.raw_column + 1
        return to_diagnostic(Finding("KC001", None, f"cannot parse: {exc.message}"), Span(line, column, line, column))
    found = LIBCST_LINE.search(exc.message)  # its own account of the line (raw_line may be a later one)
    line = int(found.group(1)) if found else exc.raw_line
    message = f"valid Python that kerascheck's parser (libcst) cannot read, near line {line}: the file is not analysed"
    return to_diagnostic(Finding("KC011", None, message), Span(line, 1, line, 1))


def to_diagnostic(finding: Finding, span: Span, edits: tuple[TextEdit, ...] = ()) -> Diagnostic:
    """The finding as reported at ``span`` (its fix's ``edits`` placed), with its
    rule's name and (unless the finding overrides it) severity."""
    rule = all_rules()[finding.code]  # every code is documented as a rule
    severity = finding.severity or rule.severity
    return Diagnostic(finding.code, rule.name, severity, finding.message, span, finding.fix, edits)


def merge_repeats(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """One diagnostic per code and place: a call that creates a layer in a loop, or
    in a helper called several times, is reported once, saying how often."""
    groups: dict[tuple[str, str | None, Span], list[Diagnostic]] = {}
    for diagnostic in diagnostics:
        groups.setdefault((diagnostic.code, diagnostic.path, diagnostic.span), []).append(diagnostic)
    merged = []
    for first, *more in groups.values():
        if more:
            first.message += f" (and {len(more)} more layer{'s' if len(more) > 1 else ''} created by this call)"
        merged.append(first)
    return merged


class _Stages:
    """Accumulates the time between laps into a dict, when one is given."""

    def __init__(self, into: dict[str, float] | None) -> None:
        self.into = into
        self.start = time.perf_counter()

    def lap(self, stage: str) -> None:
        if self.into is not None:
            now = time.perf_counter()
            self.into[stage] = self.into.get(stage, 0.0) + now - self.start
            self.start = now


def libraries_for(options: Options) -> tuple[KerasLibrary, list[Library]]:
    """The libraries one analysis models (Keras first: its values are asked first)."""
    shapes = InputShapes(options.input_shapes) if options.input_shapes else None
    keras = KerasLibrary(options.data_format, input_shapes=shapes)
    return keras, [keras, NumPyLibrary(), TensorFlowLibrary(keras)]


@functools.lru_cache(maxsize=None)
def modelled() -> Libraries:
    """The libraries' facts that do not depend on an analysis (which modules are
    theirs, their spellings), for finding a file's project: built once."""
    return Libraries(libraries_for(Options())[1])


def interpret(
    module: cst.Module,
    options: Options,
    report: FileReport,
    findings: list[Finding],
    project: Project | None = None,
    origins: Origins | None = None,
) -> KerasLibrary:
    """Run the interpreter on ``module``; the Keras library holds the models it built;
    ``origins`` receives the stand-ins of other modules' nodes."""
    keras, libraries = libraries_for(options)
    shapes = keras.input_shapes
    interpreter = Interpreter(
        module, libraries, options.limits, project, input_shapes=shapes, origins=origins, source=report.source
    )
    try:
        interpreter.run()
    except AnalysisLimit as exc:  # the time guard
        findings.append(Finding("KC004", exc.node, f"{exc}; the rest of the file is not analysed"))
    if shapes is not None:
        report.input_shapes_used = shapes.used
    for hit in interpreter.limit_hits:
        findings.append(Finding("KC002", hit.node, f"{hit}; values computed there are unknown"))
    keras.session.facts.library_sites = interpreter.library_sites
    for node, message in keras.session.facts.missing_source:
        findings.append(Finding("KC002", node, f"{message}; what it builds is unknown"))
    for _ in range(2):  # building a model may build another one used inside it
        for model in keras.models:
            ensure_rows(model)
    return keras


#: the rule families about a model's design (not what Keras refuses, nor budgets)
DESIGN = ("KC2", "KC3")


def run_rules(path: str, keras: KerasLibrary, options: Options, origins: Origins | None = None) -> list[Finding]:
    """The rules' findings; ``origins``: the stand-ins of other modules' nodes."""
    origins = origins if origins is not None else Origins()
    out: dict[tuple[str, int, str], Finding] = {}  # one per code, node and message (a layer may be in several models)
    views: dict[int, ModelView] = {}  # each model's view is built once, for every rule
    for rule in options.selected_rules():
        settings = {**rule.options, **{k: v for k, v in options.rule_options.items() if k in rule.options}}
        for finding in rule.check(RuleContext(path, keras.models, keras.session.facts, settings, views)):
            if finding.code[:3] in DESIGN and origins.through(finding.node, keras.session.facts.library_sites):
                continue  # the design of a keras.applications base is Keras's, not the file's
            out.setdefault((finding.code, id(finding.node), finding.message), finding)
    return list(out.values())


def reported_nodes(models: list[Model], findings: list[Finding]) -> list[cst.CSTNode | None]:
    """Every node whose position a report shows (a fix's edits too), to compute them in one pass."""
    nodes = [node for f in findings for node in (f.node, *(e.node for e in f.edits))]
    for model in models:
        nodes.append(model.source)
        if model.context and model.context[1] is not None:
            nodes.append(model.context[1])
        if model.condition is not None:
            nodes.append(model.condition)
        for row in model.rows or []:
            nodes.append(row.operation.source)
    return nodes


#: why a split is unknown that is not the same at every moment the report may
#: show (``Model.split_moments``), though known now
SPLIT_UNKNOWN = (
    "the trainable split depends on a condition kerascheck cannot evaluate "
    "(around a summary(), a compile() or a trainable = ...)"
)


def model_report(model: Model, positions: Positions, options: Options) -> ModelReport:
    layers = [layer_report(row.operation, row, model.row_split(row), positions) for row in model.rows or []]
    trainable, non_trainable = model.split()
    reason = model.uncertain or model.unknown_reason
    if not reason and trainable is None:
        culprit = next((l for l in layers if l.params is None), None)
        if culprit is not None:
            reason = f"{culprit.name} ({culprit.class_name}): {culprit.unknown_reason or 'parameters unknown'}"
        elif model.totals() != (None, None):
            reason = SPLIT_UNKNOWN
    span = positions.span(model.source)
    return ModelReport(
        name=model.name,
        kind=model.kind,
        line=span.line,
        context=_context(model, positions),
        layers=layers,
        trainable=trainable,
        non_trainable=non_trainable,
        unknown_reason=reason,
        span=span,
    )


def layer_report(op: Operation, row: Row, counts: Counts, positions: Positions) -> LayerReport:
    """A row of a model's report, with its (trainable, non-trainable) ``counts``."""
    reason = ""
    trainable, non_trainable = counts
    if trainable is None and not row.built and is_unknown(row.output_shape):
        reason = row.output_shape.reason  # a layer of a model that is not built
    elif trainable is None and row.counts() != (None, None):
        reason = SPLIT_UNKNOWN  # known at the end, not the same at every moment
    elif trainable is None:
        if isinstance(op, Layer):
            reason = op.unknown_reason or op.weights_reason or op.trainable_unknown or "not built"
        elif isinstance(op, Model):
            reason = op.uncertain or op.unknown_reason or op.trainable_unknown or "a layer of the nested model is unknown"
    elif is_unknown(row.output_shape):
        reason = getattr(row.output_shape, "reason", "")
    span = positions.span(op.source)
    return LayerReport(
        name=op.name,
        class_name=op.class_name,
        line=span.line,
        output_shape=row.output_shape,
        trainable=trainable,
        non_trainable=non_trainable,
        explain=list(getattr(op, "explain", [])),
        unknown_reason=reason,
        span=span if op.source is not None else None,
    )


def _context(model: Model, positions: Positions) -> str:
    """How the model was reached: the outermost call that built it, and the
    condition kerascheck cannot evaluate that decides whether it is built."""
    parts = []
    if model.context:
        description, node = model.context
        if node is None:
            parts.append(description)
        else:
            code = source_text(node) if isinstance(node, cst.CSTNode) else description
            parts.append(f"{code} at line {positions.span(node).line}")
    if model.condition is not None:
        parts.append(f"only if {_condition(model.condition)} (line {positions.span(model.condition).line})")
    return ", ".join(parts)


def _condition(node: cst.CSTNode) -> str:
    """The condition a statement or expression runs its code under, as the source says it."""
    if isinstance(node, cst.If):
        return source_text(node.test)
    if isinstance(node, cst.While):
        return f"while {source_text(node.test)}"
    if isinstance(node, (cst.For, cst.CompFor)):
        return f"for {source_text(node.target)} in {source_text(node.iter)}"
    if isinstance(node, cst.IfExp):
        return source_text(node.test)
    if isinstance(node, cst.Else):
        return "the else branch runs"
    if isinstance(node, (cst.Try, cst.TryStar, cst.ExceptHandler, cst.ExceptStarHandler)):
        return "an exception is raised"
    return f"the {type(node).__name__} statement runs it"
