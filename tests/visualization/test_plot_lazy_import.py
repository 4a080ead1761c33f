"""plotly and matplotlib load on first use; without them the error says what to install."""

from __future__ import annotations

import subprocess
import sys

import pytest

import ridgeline
from ridgeline import visualization as vis


def test_importing_visualization_loads_no_plotting_library() -> None:
    code = (
        "import sys; import ridgeline.visualization, ridgeline.visualization.matplotlib; "
        "print(sorted({m.split('.')[0] for m in sys.modules} & "
        "{'plotly', 'matplotlib', 'pandas', 'scipy'}))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_missing_plotly_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "plotly", None)
    monkeypatch.setitem(sys.modules, "plotly.graph_objects", None)
    study = ridgeline.create_study()
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=2)
    with pytest.raises(ImportError, match=r"pip install 'ridgeline\[viz\]'"):
        vis.plot_optimization_history(study)


def test_missing_matplotlib_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    study = ridgeline.create_study()
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=2)
    with pytest.raises(ImportError, match=r"pip install 'ridgeline\[viz\]'"):
        vis.matplotlib.plot_optimization_history(study)


def test_is_available() -> None:
    assert vis.is_available() is True
