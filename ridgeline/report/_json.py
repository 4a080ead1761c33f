"""``write_json_summary``: the study's result and configuration as one JSON file."""

from __future__ import annotations

import contextlib
import datetime
import importlib.metadata
import json
import os
import platform
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ridgeline.report._data import check_study, finite_or_text, summarize
from ridgeline.trial._frozen import FrozenTrial
from ridgeline.version import __version__

if TYPE_CHECKING:
    from ridgeline.study._study import Study

__all__ = ["json_summary", "write_json_summary"]


def write_json_summary(study: Study, path: str | os.PathLike[str]) -> Path:
    """Write the study's best result, configuration, a UTC timestamp and the versions of
    ridgeline, Python, numpy and plotly (when installed) to ``path`` as JSON.

    Keys: ``study_name``, ``directions``, ``metric_names``, ``best_trial`` /
    ``best_params`` / ``best_value`` (one objective; ``null`` without a completed trial) or
    ``best_trials`` (the Pareto front: number, values and params of each), ``convergence``
    (one objective: trials to the best, improvement rate, plateau), ``study``
    (sampler, pruner, ``n_trials`` and ``n_trials_per_state``), ``timestamp`` and
    ``versions``. Non-finite values are written as the strings ``"inf"``, ``"-inf"``,
    ``"nan"`` (JSON has no such numbers).

    Args:
        study: The study to summarize.
        path: The file to write; missing parent folders are created.

    Returns:
        The path written.

    Raises:
        ReportError: If ``study`` is not a Study.

    Example:
        >>> import json, ridgeline, tempfile, pathlib
        >>> study = ridgeline.create_study(direction="maximize")
        >>> study.optimize(lambda t: t.suggest_int("n", 1, 3), n_trials=4)
        >>> tmp = tempfile.TemporaryDirectory()
        >>> out = write_json_summary(study, pathlib.Path(tmp.name) / "summary.json")
        >>> data = json.loads(out.read_text())
        >>> data["best_value"] == study.best_value, data["study"]["n_trials"]
        (True, 4)
        >>> tmp.cleanup()
    """
    check_study(study, "write_json_summary")
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(json_summary(study), indent=2, allow_nan=False, default=str)
    out.write_text(text + "\n", encoding="utf-8")
    return out


def json_summary(study: Study) -> dict[str, Any]:
    """The content :func:`write_json_summary` writes, as a dict."""
    check_study(study, "json_summary")
    trials = study.get_trials(deepcopy=False)
    s = summarize(study, trials)
    data: dict[str, Any] = {
        "study_name": s.study_name,
        "directions": s.directions,
        "metric_names": s.metric_names,
    }
    if len(s.directions) == 1:
        try:
            best: FrozenTrial | None = study.best_trial
        except ValueError:
            best = None
        data["best_trial"] = None if best is None else best.number
        data["best_params"] = None if best is None else _clean(best.params)
        data["best_value"] = None if best is None else finite_or_text(best.value)
        data["convergence"] = _convergence(study) if best is not None else None
    else:
        data["best_trials"] = [
            {"number": t.number, "values": _clean(t.values), "params": _clean(t.params)}
            for t in study.best_trials
        ]
    data["study"] = {
        "sampler": s.sampler,
        "pruner": s.pruner,
        "n_trials": s.n_trials,
        "n_trials_per_state": {k.lower(): n for k, n in s.state_counts.items()},
        "user_attrs": _clean(study.user_attrs),
    }
    data["timestamp"] = datetime.datetime.now(datetime.timezone.utc).isoformat()
    data["versions"] = _versions()
    return data


def _convergence(study: Study) -> dict[str, Any] | None:
    from ridgeline.analysis import AnalysisError, convergence

    try:
        c = convergence(study)
    except AnalysisError:
        return None
    return _clean(
        {
            "trials_to_best": c.best_trial_number,
            "improvement_rate": c.improvement_rate,
            "trials_since_improvement": c.trials_since_improvement,
            "plateau": c.plateau,
            "trials_to_within": {str(k): v for k, v in c.trials_to_within.items()},
        }
    )


def _clean(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    return finite_or_text(value)


def _versions() -> dict[str, str]:
    import numpy

    versions = {
        "ridgeline": __version__,
        "python": platform.python_version(),
        "numpy": numpy.__version__,
    }
    with contextlib.suppress(importlib.metadata.PackageNotFoundError):
        versions["plotly"] = importlib.metadata.version("plotly")
    return versions
