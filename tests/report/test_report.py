"""The HTML report's content and the JSON summary (the page in a browser: test_report_browser)."""

from __future__ import annotations

import datetime
import json
import re
import sys
from pathlib import Path

import pytest
from _report_studies import XSS, multi_objective_study, single_objective_study

import ridgeline
from ridgeline.report import ReportError, write_html, write_json_summary
from ridgeline.report._html import SECTIONS

pytest.importorskip("plotly")


@pytest.fixture(scope="module")
def single() -> ridgeline.Study:
    return single_objective_study()


@pytest.fixture(scope="module")
def multi() -> ridgeline.Study:
    return multi_objective_study()


@pytest.fixture(scope="module")
def single_html(single: ridgeline.Study, tmp_path_factory: pytest.TempPathFactory) -> str:
    path = write_html(single, tmp_path_factory.mktemp("r") / "sub" / "single.html")
    return path.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def multi_html(multi: ridgeline.Study, tmp_path_factory: pytest.TempPathFactory) -> str:
    path = write_html(multi, tmp_path_factory.mktemp("r") / "multi.html", top_k=5)
    return path.read_text(encoding="utf-8")


def _section(page: str, name: str) -> str:
    match = re.search(rf'<section id="{name}".*?</section>', page, flags=re.S)
    assert match is not None, name
    return match.group(0)


def _figures(page: str) -> list[str]:
    return re.findall(r'<div class="plot" id="[^"]+" data-figure="([^"]+)">', page)


def test_every_section_is_there_in_order(single_html: str, multi_html: str) -> None:
    for page in (single_html, multi_html):
        positions = [page.index(f'<section id="{s}"') for s in SECTIONS]
        assert positions == sorted(positions)
    assert "<h2>Best trial</h2>" in single_html
    assert "<h2>Pareto front</h2>" in multi_html
    assert "<h2>Top 10 trials</h2>" in single_html
    assert "<h2>Top 5 trials</h2>" in multi_html


def test_self_contained_plotly_js_embedded_once(single_html: str) -> None:
    parts = re.split(r'<script type="text/javascript">|</script>', single_html, maxsplit=2)
    head, plotly_js, rest = parts
    assert "plotly.js" in plotly_js and len(plotly_js) > 1_000_000
    assert "plotly.js v" not in rest  # once
    # Our own markup loads nothing: no src= at all, links only to anchors in the page.
    assert "src=" not in head + rest
    assert re.findall(r'href="([^"]*)"', head + rest) == [f"#{s}" for s in SECTIONS]
    assert rest.count("<script") == 1 + len(_figures(single_html))


def test_user_strings_are_escaped(single_html: str) -> None:
    assert "<script>alert(1)" not in single_html
    escaped = "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert escaped in _section(single_html, "summary")  # study name
    assert escaped in _section(single_html, "best")  # param value and user attr
    assert escaped in _section(single_html, "failures")  # error message and traceback
    # Inside figure JSON, "<" is a \u escape, so no </script> can end the element early.
    assert "\\u003cscript\\u003ealert(1)" in single_html


def test_summary_counts_and_config(single: ridgeline.Study, single_html: str) -> None:
    summary = _section(single_html, "summary")
    counts = {s: sum(t.state.name == s for t in single.trials) for s in ("COMPLETE", "PRUNED")}
    assert f"<th>Trials complete</th><td>{counts['COMPLETE']}</td>" in summary
    assert f"<th>Trials pruned</th><td>{counts['PRUNED']}</td>" in summary
    assert "RandomSampler(seed=0)" in summary
    assert "MedianPruner(" in summary
    for label in ("Total trial time", "Mean trial time", "First trial started"):
        assert label in summary


def test_best_and_top_k(single: ridgeline.Study, single_html: str) -> None:
    best = _section(single_html, "best")
    assert f"<th>Trial</th><td>{single.best_trial.number}</td>" in best
    assert "<h3>Convergence</h3>" in best
    reached = f"<th>Best value first reached at trial</th><td>{single.best_trial.number}</td>"
    assert reached in best
    top = _section(single_html, "top")
    rows = re.findall(r"<tr><td class=\"num\">(\d+)</td><td>(\w+)</td>", top)
    assert len(rows) == 10
    assert rows[0] == (str(single.best_trial.number), "COMPLETE")
    states = [s for _, s in rows]
    assert states == sorted(states, key=lambda s: s != "COMPLETE")  # COMPLETE first


def test_failures_grouped_with_tracebacks(single_html: str) -> None:
    failures = _section(single_html, "failures")
    assert "<h3>ValueError (4)</h3>" in failures
    assert "<h3>KeyError (3)</h3>" in failures
    assert "Traceback (most recent call last)" in failures
    assert "TrialPruned" in failures


def test_pareto_front_table_and_feasibility(multi: ridgeline.Study, multi_html: str) -> None:
    best = _section(multi_html, "best")
    assert f"{len(multi.best_trials)} trial(s) on the Pareto front" in best
    assert "infeasible" in best
    assert "<th>error</th><th>speed</th>" in best
    assert "<th>feasible</th>" in _section(multi_html, "top")


def _available(keys: list[str]) -> list[str]:
    """The figure keys whose plot function (and importances) exist in this installation."""
    import ridgeline.visualization as vis

    out = []
    for key in keys:
        name = "plot_" + re.sub(r"_\d+$", "", key)
        if key == "param_importances":
            try:
                from ridgeline.importance import get_param_importances  # noqa: F401
            except ImportError:
                continue
        if hasattr(vis, name):
            out.append(key)
    return out


def test_every_available_figure_is_embedded(single_html: str, multi_html: str) -> None:
    single_keys = [
        "param_importances", "optimization_history", "parallel_coordinate", "slice",
        "contour", "edf", "intermediate_values", "timeline",
    ]  # fmt: skip
    multi_keys = [
        "pareto_front", "param_importances", "optimization_history_0",
        "optimization_history_1", "parallel_coordinate", "slice", "contour", "edf",
        "timeline", "hypervolume_history",
    ]  # fmt: skip
    assert _figures(single_html) == _available(single_keys)
    assert _figures(multi_html) == _available(multi_keys)
    assert 'message">This figure could not be drawn' not in single_html + multi_html


def test_empty_study(tmp_path: Path) -> None:
    study = ridgeline.create_study(study_name="empty")
    page = write_html(study, tmp_path / "empty.html").read_text(encoding="utf-8")
    for s in SECTIONS:
        assert f'<section id="{s}"' in page
    assert "no COMPLETE trial yet" in _section(page, "best")
    assert "No trial has a value yet" in _section(page, "top")
    assert "needs finished trials" in _section(page, "failures")
    assert "<th>Trials</th><td>0</td>" in _section(page, "summary")


def test_only_failed_trials(tmp_path: Path) -> None:
    study = ridgeline.create_study(directions=["minimize", "minimize"])

    def objective(trial: ridgeline.Trial) -> float:
        trial.suggest_float("x", 0, 1)
        raise ZeroDivisionError("division by zero")

    study.optimize(objective, n_trials=3, catch=(ZeroDivisionError,))
    page = write_html(study, tmp_path / "failed.html").read_text(encoding="utf-8")
    assert "No completed (feasible) trial yet" in _section(page, "best")
    assert "<h3>ZeroDivisionError (3)</h3>" in _section(page, "failures")
    assert "Traceback (most recent call last)" in page


def test_one_parameter_has_no_contour(tmp_path: Path) -> None:
    study = ridgeline.create_study(sampler=ridgeline.samplers.RandomSampler(seed=1))
    study.optimize(lambda t: t.suggest_float("x", -1, 1) ** 2, n_trials=8)
    page = write_html(study, tmp_path / "one.html").read_text(encoding="utf-8")
    assert "A contour plot needs two parameters; the completed trials have 1." in page
    assert "contour" not in _figures(page)


def test_title_is_escaped_and_used(single: ridgeline.Study, tmp_path: Path) -> None:
    page = write_html(single, tmp_path / "t.html", title="A & B <i>").read_text("utf-8")
    assert "<title>A &amp; B &lt;i&gt;</title>" in page
    assert "<h1>A &amp; B &lt;i&gt;</h1>" in page


@pytest.mark.parametrize("top_k", [0, -1, 2.5, True, "3"])
def test_bad_top_k(single: ridgeline.Study, tmp_path: Path, top_k: object) -> None:
    with pytest.raises(ReportError, match=r"`top_k` of write_html must be an integer >= 1"):
        write_html(single, tmp_path / "x.html", top_k=top_k)  # type: ignore[arg-type]


def test_bad_arguments(single: ridgeline.Study, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"`study` of write_html must be a ridgeline Study"):
        write_html("study", tmp_path / "x.html")  # type: ignore[arg-type]
    with pytest.raises(ReportError, match=r"`study` of write_json_summary must be"):
        write_json_summary(None, tmp_path / "x.json")  # type: ignore[arg-type]
    with pytest.raises(ReportError, match=r"`title` of write_html must be a str or None"):
        write_html(single, tmp_path / "x.html", title=3)  # type: ignore[arg-type]
    assert issubclass(ReportError, ridgeline.exceptions.RidgelineError)


def test_missing_plotly_names_the_extra(
    single: ridgeline.Study, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "plotly.offline", None)
    with pytest.raises(ImportError, match=r"pip install 'ridgeline\[viz\]'"):
        write_html(single, tmp_path / "x.html")
    assert not (tmp_path / "x.html").exists()


def test_json_summary_single(single: ridgeline.Study, tmp_path: Path) -> None:
    data = json.loads(write_json_summary(single, tmp_path / "a" / "s.json").read_text())
    assert data["study_name"] == single.study_name
    assert data["directions"] == ["minimize"]
    assert data["best_trial"] == single.best_trial.number
    assert data["best_value"] == single.best_value
    assert data["best_params"] == single.best_params
    assert data["convergence"]["trials_to_best"] == single.best_trial.number
    assert 0 < data["convergence"]["improvement_rate"] <= 1
    per_state = data["study"]["n_trials_per_state"]
    assert per_state["complete"] + per_state["pruned"] + per_state["fail"] == 30
    assert data["study"]["sampler"] == "RandomSampler(seed=0)"
    assert data["study"]["pruner"].startswith("MedianPruner(")
    assert data["study"]["user_attrs"] == {"note": XSS}
    stamp = datetime.datetime.fromisoformat(data["timestamp"])
    assert stamp.utcoffset() == datetime.timedelta(0)
    assert {"ridgeline", "python", "numpy", "plotly"} <= set(data["versions"])
    assert data["versions"]["ridgeline"] == ridgeline.__version__


def test_json_summary_multi(multi: ridgeline.Study, tmp_path: Path) -> None:
    data = json.loads(write_json_summary(multi, tmp_path / "m.json").read_text())
    assert data["directions"] == ["minimize", "maximize"]
    assert data["metric_names"] == ["error", "speed"]
    assert [t["number"] for t in data["best_trials"]] == [t.number for t in multi.best_trials]
    assert data["best_trials"][0]["values"] == multi.best_trials[0].values
    assert "best_value" not in data


def test_json_summary_empty_and_infinite(tmp_path: Path) -> None:
    study = ridgeline.create_study()
    data = json.loads(write_json_summary(study, tmp_path / "e.json").read_text())
    assert data["best_trial"] is None and data["best_value"] is None
    assert data["convergence"] is None
    assert data["study"]["n_trials"] == 0
    study.add_trial(ridgeline.create_trial(value=float("-inf"), params={}, distributions={}))
    data = json.loads(write_json_summary(study, tmp_path / "e.json").read_text())
    assert data["best_value"] == "-inf"


def test_a_failing_figure_or_importance_degrades_alone(
    single: ridgeline.Study, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import ridgeline.importance
    import ridgeline.visualization

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("slice <b>broke</b>")

    def warns(study: ridgeline.Study) -> object:
        import warnings

        warnings.warn("timeline <i>note</i>", UserWarning)
        return original_timeline(study)

    original_timeline = ridgeline.visualization.plot_timeline
    monkeypatch.setattr(ridgeline.visualization, "plot_slice", broken)
    monkeypatch.setattr(ridgeline.visualization, "plot_timeline", warns)
    monkeypatch.setattr(ridgeline.importance, "get_param_importances", broken)
    page = write_html(single, tmp_path / "broken.html").read_text(encoding="utf-8")
    plots = _section(page, "plots")
    assert "This figure could not be drawn: RuntimeError: slice &lt;b&gt;broke&lt;/b&gt;" in plots
    assert '<p class="note">timeline &lt;i&gt;note&lt;/i&gt;</p>' in plots
    importance = _section(page, "importance")
    assert "Importances could not be computed: RuntimeError" in importance
    assert "data-figure" not in importance
    assert {"optimization_history", "contour", "timeline"} <= set(_figures(page))
    assert "slice" not in _figures(page)


def test_a_failing_section_degrades_alone(
    single: ridgeline.Study, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import ridgeline.analysis

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("analysis <b>broke</b>")

    monkeypatch.setattr(ridgeline.analysis, "failures", broken)
    page = write_html(single, tmp_path / "broken.html").read_text(encoding="utf-8")
    failures = _section(page, "failures")
    assert "This section could not be built: RuntimeError: analysis &lt;b&gt;broke" in failures
    assert "<th>Trial</th>" in _section(page, "best")
