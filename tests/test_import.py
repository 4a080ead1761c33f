from __future__ import annotations

import json
import subprocess
import sys

HEAVY = ["sqlalchemy", "alembic", "pandas", "scipy", "plotly", "matplotlib", "ray", "sklearn"]


def test_import_is_light() -> None:
    code = (
        "import sys, json, logging; import ridgeline; "
        "print(json.dumps({'mods': sorted(m for m in sys.modules), "
        "'handlers': [type(h).__name__ for h in logging.getLogger('ridgeline').handlers], "
        "'root': [type(h).__name__ for h in logging.getLogger().handlers]}))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    data = json.loads(out)
    loaded = {m.split(".")[0] for m in data["mods"]}
    assert not loaded & set(HEAVY), sorted(loaded & set(HEAVY))
    # No side effects: only a NullHandler on our logger, nothing on the root logger.
    assert data["handlers"] == ["NullHandler"]
    assert data["root"] == []


def test_optimize_with_memory_storage_does_not_load_sqlalchemy() -> None:
    code = (
        "import sys, ridgeline; s = ridgeline.create_study(); "
        "s.optimize(lambda t: t.suggest_float('x', 0, 1), n_trials=3); "
        "print('sqlalchemy' in sys.modules, 'scipy' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.split() == ["False", "False"]
