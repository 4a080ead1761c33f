"""``write_html``: one self-contained, offline HTML report of a study."""

from __future__ import annotations

import datetime
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ridgeline._imports import require
from ridgeline.report import _render as r
from ridgeline.report._data import (
    ReportError,
    StudySummary,
    check_study,
    summarize,
    top_trials,
)
from ridgeline.report._figures import FigureItem, Importances, collect_figures, compute_importances
from ridgeline.samplers._constraints import is_feasible
from ridgeline.trial._frozen import FrozenTrial
from ridgeline.trial._state import TrialState
from ridgeline.version import __version__

if TYPE_CHECKING:
    from ridgeline.study._study import Study

__all__ = ["SECTIONS", "write_html"]

#: Section ids of every report, in order.
SECTIONS = ("summary", "best", "top", "importance", "plots", "failures")


def write_html(
    study: Study,
    path: str | os.PathLike[str],
    *,
    top_k: int = 10,
    title: str | None = None,
) -> Path:
    """Write one self-contained HTML report of ``study`` to ``path`` (works offline).

    Sections: summary (configuration, trial counts per state, times), the best trial (one
    objective) or the Pareto front (several), the ``top_k`` best trials, parameter
    importances, plots (history, parallel coordinates, slice, contour of the two most
    important parameters, EDF, intermediate values, timeline, hypervolume history) and the
    failed trials grouped by error type with their tracebacks. plotly's JavaScript is
    embedded once; nothing is loaded from the network. A section whose data is missing says
    so instead of failing the report.

    Args:
        study: The study to report on (any storage).
        path: The file to write; missing parent folders are created.
        top_k: How many of the best trials the top table lists (``>= 1``).
        title: The page title; by default ``"Study {name}"``.

    Returns:
        The path written.

    Raises:
        ReportError: If ``study`` is not a Study or ``top_k`` is not a positive integer.
        ImportError: If plotly is not installed (``pip install 'ridgeline[viz]'``).

    Example:
        >>> import ridgeline, tempfile, pathlib
        >>> study = ridgeline.create_study(study_name="doc")
        >>> study.optimize(lambda t: t.suggest_float("x", -1, 1) ** 2, n_trials=5)
        >>> tmp = tempfile.TemporaryDirectory()
        >>> out = write_html(study, pathlib.Path(tmp.name) / "report.html")
        >>> "Study doc" in out.read_text(encoding="utf-8")
        True
        >>> tmp.cleanup()
    """
    check_study(study, "write_html")
    if isinstance(top_k, bool) or not isinstance(top_k, int) or top_k < 1:
        raise ReportError(f"`top_k` of write_html must be an integer >= 1; got {top_k!r}.")
    if title is not None and not isinstance(title, str):
        raise ReportError(f"`title` of write_html must be a str or None; got {title!r}.")
    offline = require("plotly.offline", "viz")
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render_html(study, top_k, title, offline.get_plotlyjs()), encoding="utf-8")
    return out


def render_html(study: Study, top_k: int, title: str | None, plotly_js: str) -> str:
    trials = study.get_trials(deepcopy=False)
    summary = summarize(study, trials)
    importances = compute_importances(study, summary.metric_names)
    figures = collect_figures(study, trials, summary, importances)
    counter = iter(range(1_000_000))
    multi = len(summary.directions) > 1
    sections = {
        "summary": ("Summary", _guarded(_summary, summary)),
        "best": (
            "Pareto front" if multi else "Best trial",
            _guarded(_pareto, study, summary) if multi else _guarded(_best, study, summary),
        ),
        "top": (f"Top {top_k} trials", _guarded(_top, trials, study, summary, top_k)),
        "importance": ("Parameter importances", _guarded(_importance_table, importances)),
        "plots": ("Plots", ""),
        "failures": ("Failures", _guarded(_failures, study)),
    }
    parts = []
    for key in SECTIONS:
        heading, body = sections[key]
        items = figures.get(key, [])
        body += "".join(_figure(item, counter, heading=key == "plots") for item in items)
        parts.append(r.section(key, heading, body))
    page_title = title if title is not None else f"Study {study.study_name}"
    now = datetime.datetime.now(datetime.timezone.utc)
    nav = "".join(f'<a href="#{k}">{r.esc(sections[k][0])}</a>' for k in SECTIONS)
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{r.esc(page_title)}</title><style>{r.CSS}</style>"
        f'<script type="text/javascript">{plotly_js}</script></head><body>'
        f"<header><h1>{r.esc(page_title)}</h1><p>Generated {r.esc(r.fmt_datetime(now))} "
        f"by ridgeline {r.esc(__version__)}</p></header><nav>{nav}</nav>"
        f"<main>{''.join(parts)}</main><script>{r.LOADER_JS}</script></body></html>\n"
    )


def _guarded(build: Callable[..., str], *args: Any) -> str:
    """The section ``build`` makes, or a message saying why it could not be made: data this
    report did not foresee must cost one section, not the whole report."""
    try:
        return build(*args)
    except Exception as e:
        return r.message(f"This section could not be built: {type(e).__name__}: {e}")


def _figure(item: FigureItem, counter: Any, *, heading: bool) -> str:
    head = f"<h3>{r.esc(item.title)}</h3>" if heading else ""
    if item.figure is None:
        return head + r.message(item.message or "Nothing to show.")
    notes = "".join(f'<p class="note">{r.esc(n)}</p>' for n in item.notes)
    return head + r.plot_div(f"plot-{next(counter)}", item.key, item.figure) + notes


def _summary(s: StudySummary) -> str:
    rows: list[tuple[str, Any]] = [
        ("Study", s.study_name),
        ("Directions", ", ".join(s.directions)),
        ("Metrics", ", ".join(s.metric_names)),
        ("Sampler", s.sampler),
        ("Pruner", s.pruner),
        ("Trials", s.n_trials),
    ]
    rows += [(f"Trials {state.lower()}", n) for state, n in s.state_counts.items() if n]
    if s.has_constraints:
        rows.append(("Completed: feasible / infeasible", f"{s.n_feasible} / {s.n_infeasible}"))
    rows += [
        ("Total trial time", r.fmt_duration(s.total_duration)),
        ("Mean trial time", r.fmt_duration(s.mean_duration)),
        ("First trial started", r.fmt_datetime(s.first_start)),
        ("Last trial finished", r.fmt_datetime(s.last_complete)),
    ]
    return r.key_values(rows)


def _values_of(trial: FrozenTrial, n: int) -> list[str]:
    if trial.values is None:
        return ["-"] * n
    return [r.fmt_value(v) for v in trial.values]


def _best(study: Study, s: StudySummary) -> str:
    try:
        best = study.best_trial
    except ValueError as e:
        return r.message(str(e))
    rows: list[tuple[str, Any]] = [
        ("Trial", best.number),
        (s.metric_names[0], r.fmt_value(best.value)),
        ("Duration", r.fmt_duration(best.duration)),
    ]
    rows += [(f"param: {k}", r.fmt_value(v)) for k, v in best.params.items()]
    rows += [(f"user attr: {k}", v) for k, v in best.user_attrs.items()]
    return r.key_values(rows) + _convergence(study)


def _convergence(study: Study) -> str:
    from ridgeline.analysis import AnalysisError, convergence

    try:
        c = convergence(study)
    except AnalysisError as e:
        return "<h3>Convergence</h3>" + r.message(str(e))
    rows: list[tuple[str, Any]] = [
        ("Best value first reached at trial", c.best_trial_number),
        ("Improvements per completed trial", f"{c.improvement_rate:.3g}"),
        ("Completed trials since the last improvement", c.trials_since_improvement),
        (f"Plateau (no improvement in the last {c.patience})", "yes" if c.plateau else "no"),
    ]
    rows += [
        (f"Within {fraction:.0%} of the best from trial", number)
        for fraction, number in c.trials_to_within.items()
    ]
    return "<h3>Convergence</h3>" + r.key_values(rows)


def _pareto(study: Study, s: StudySummary) -> str:
    front = study.best_trials
    intro = f"{len(front)} trial(s) on the Pareto front"
    if s.has_constraints:
        intro += (
            f", among {s.n_feasible} feasible completed trial(s) "
            f"({s.n_infeasible} infeasible trial(s) are left out)"
        )
    if not front:
        return r.message("No completed (feasible) trial yet, so there is no Pareto front.")
    names = _param_names(front)
    rows = [
        [t.number, *_values_of(t, len(s.metric_names)), *(_param(t, n) for n in names)]
        for t in front
    ]
    headers = ["trial", *s.metric_names, *names]
    numeric = range(1 + len(s.metric_names))
    return f"<p>{r.esc(intro)}.</p>" + r.table(headers, rows, numeric=numeric)


def _param_names(trials: Sequence[FrozenTrial]) -> list[str]:
    names: list[str] = []
    for t in trials:
        names.extend(n for n in t.params if n not in names)
    return names


def _param(trial: FrozenTrial, name: str) -> str:
    return r.fmt_value(trial.params[name]) if name in trial.params else "-"


def _top(trials: Sequence[FrozenTrial], study: Study, s: StudySummary, k: int) -> str:
    top = top_trials(trials, study.directions, k)
    if not top:
        return r.message("No trial has a value yet (none completed or pruned with a value).")
    names = _param_names(top)
    headers = ["trial", "state", *s.metric_names, "duration", *names]
    if s.has_constraints:
        headers.insert(2, "feasible")
    rows = []
    for t in top:
        row = [t.number, t.state.name, *_values_of(t, len(s.metric_names))]
        if s.has_constraints:
            row.insert(2, "yes" if is_feasible(t) else "no")
        rows.append([*row, r.fmt_duration(t.duration), *(_param(t, n) for n in names)])
    first_value = 3 if s.has_constraints else 2
    numeric = [0, *range(first_value, first_value + len(s.metric_names))]
    note = ""
    if any(t.state == TrialState.PRUNED for t in top):
        note = (
            '<p class="note">PRUNED trials come after the completed ones; their value is '
            "the last one they reported.</p>"
        )
    return r.table(headers, rows, numeric=numeric) + note


def _importance_table(imp: Importances) -> str:
    if imp.message is not None:
        return r.message(imp.message)
    rows = [[name, *(f"{v:.4f}" for v in values)] for name, values in imp.rows]
    return r.table(["parameter", *imp.labels], rows, numeric=range(1, 1 + len(imp.labels)))


def _failures(study: Study) -> str:
    from ridgeline.analysis import AnalysisError, failures

    try:
        report = failures(study)
    except AnalysisError as e:
        return r.message(str(e))
    if not report.groups:
        return r.message("No trial failed or was pruned.")
    intro = (
        f"<p>{report.n_fail} FAIL, {report.n_pruned} PRUNED and {report.n_complete} COMPLETE "
        f"of {report.n_trials} finished trial(s).</p>"
    )
    overview = r.table(
        ["error type", "state", "trials", "first trials", "example message"],
        [
            [g.error_type, g.state, g.count, _numbers(g.trial_numbers, g.count), _first_line(g)]
            for g in report.groups
        ],
        numeric=[2],
    )
    details = []
    for g in report.groups:
        if g.state != "FAIL":
            continue
        trace = f"<pre>{r.esc(g.traceback)}</pre>" if g.traceback else ""
        details.append(
            f"<h3>{r.esc(g.error_type)} ({g.count})</h3>"
            f"<details open><summary><code>{r.esc(g.example_message or '(no reason)')}</code>"
            f"</summary>{trace or r.message('No traceback recorded.')}</details>"
        )
    regions = [
        [p.param, w.label, w.n_trials, f"{w.fail_rate:.0%}", f"{w.pruned_rate:.0%}"]
        for p in report.params
        if p.bins
        for w in (p.worst,)
    ]
    region_table = ""
    if regions:
        region_table = "<h3>Where trials fail</h3>" + r.table(
            ["param", "worst region", "trials", "failed", "pruned"], regions, numeric=[2, 3, 4]
        )
    return intro + overview + "".join(details) + region_table


def _first_line(group: Any) -> str:
    text = group.example_message or "-"
    line = text.splitlines()[0] if text.strip() else "-"
    return line if len(line) <= 120 else line[:119] + "…"


def _numbers(numbers: Any, total: int) -> str:
    items = [str(n) for n in numbers]
    more = f" … (+{total - len(items)})" if total > len(items) else ""
    return ", ".join(items) + more
