"""Population-based training against random search at an equal number of training steps.

The task is ``examples/pbt_digits.py``: a small numpy network on scikit-learn's digits data,
trained by SGD with momentum and weight decay; PBT explores the learning rate, the weight
decay and the momentum. For each seed, PBT trains ``--population`` members for ``--segments``
segments of ``--interval`` steps (SQLite storage, checkpoints in a folder), and random search
trains ``--population`` random configurations for ``segments * interval`` steps each. Both pick
their model by validation loss; the table shows that loss, the validation accuracy, and the
test loss and accuracy of the model each picked (the test part is never used to decide).

    python benchmarks/pbt.py [--seeds 0 1 2 3 4] [--population 8] [--interval 50]
        [--segments 20] [--n-jobs 2] [--quick]
"""

from __future__ import annotations

import argparse
import importlib.util
import math
import platform
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PATHS = ["ridgeline/pbt", "examples/pbt_digits.py", "benchmarks/pbt.py"]
COLUMNS = [
    ("val_loss", "val loss", ".4f"),
    ("val_accuracy", "val acc", ".3f"),
    ("test_loss", "test loss", ".4f"),
    ("test_accuracy", "test acc", ".3f"),
    ("seconds", "seconds", ".1f"),
]


def load_example() -> ModuleType:
    path = ROOT / "examples" / "pbt_digits.py"
    spec = importlib.util.spec_from_file_location("pbt_digits", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["pbt_digits"] = module
    spec.loader.exec_module(module)
    return module


def commit() -> str:
    """The last commit of the measured files, marked if they have uncommitted changes."""

    def git(*args: str) -> str:
        return subprocess.run(
            ["git", *args], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()

    try:
        last = git("log", "-1", "--format=%h", "--", *PATHS)
        dirty = git("status", "--porcelain", "--untracked-files=all", "--", *PATHS)
    except (OSError, subprocess.CalledProcessError):
        return "unknown (not a git checkout)"
    return f"{last} with uncommitted changes" if dirty else last


def mean_and_se(values: Sequence[float]) -> tuple[float, float]:
    n = len(values)
    mean = sum(values) / n
    if n < 2:
        return mean, 0.0
    var = sum((v - mean) ** 2 for v in values) / (n - 1)
    return mean, math.sqrt(var / n)


def table(rows: list[dict[str, Any]]) -> str:
    header = "| seed | method | " + " | ".join(c[1] for c in COLUMNS) + " |"
    lines = [header, "|" + "---|" * (len(COLUMNS) + 2)]
    for r in rows:
        for method in ("pbt", "random"):
            cells = [format(r[f"{method}_{key}"], fmt) for key, _, fmt in COLUMNS]
            name = "PBT" if method == "pbt" else "random search"
            lines.append(f"| {r['seed']} | {name} | " + " | ".join(cells) + " |")
    for method in ("pbt", "random"):
        cells = []
        for key, _, fmt in COLUMNS:
            mean, se = mean_and_se([r[f"{method}_{key}"] for r in rows])
            cells.append(f"{mean:{fmt}} ± {se:{fmt}}")
        name = "PBT" if method == "pbt" else "random search"
        lines.append(f"| mean ± se | {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3, 4])
    parser.add_argument("--population", type=int, default=8)
    parser.add_argument("--interval", type=int, default=50)
    parser.add_argument("--segments", type=int, default=20)
    parser.add_argument("--n-jobs", type=int, default=2)
    parser.add_argument("--quick", action="store_true", help="2 seeds, a tiny budget")
    args = parser.parse_args(argv)
    if args.quick:
        args.seeds, args.population, args.interval, args.segments = [0, 1], 4, 10, 3
    example = load_example()
    rows = []
    for seed in args.seeds:
        with tempfile.TemporaryDirectory() as tmp:
            r = example.compare(
                population=args.population,
                interval=args.interval,
                segments=args.segments,
                seed=seed,
                out=Path(tmp),
                n_jobs=args.n_jobs,
            )
        row = {k: v for k, v in r.items() if k != "result"}
        row["seed"] = seed
        rows.append(row)
        print(
            f"seed {seed}: PBT val loss {r['pbt_val_loss']:.4f}, random {r['random_val_loss']:.4f}",
            file=sys.stderr,
        )
    import numpy
    import sklearn

    steps = args.population * args.interval * args.segments
    print(
        f"PBT ({args.population} members x {args.segments} segments x {args.interval} steps, "
        f"threads, n_jobs={args.n_jobs}) against random search ({args.population} trials x "
        f"{args.segments * args.interval} steps): {steps} training steps each, "
        f"{len(args.seeds)} seeds. ridgeline {commit()}, Python {platform.python_version()}, "
        f"numpy {numpy.__version__}, scikit-learn {sklearn.__version__}.\n"
    )
    print(table(rows))
    wins = sum(r["pbt_val_loss"] < r["random_val_loss"] for r in rows)
    test_wins = sum(r["pbt_test_loss"] < r["random_test_loss"] for r in rows)
    print(
        f"\nPBT reached a lower validation loss in {wins} of {len(rows)} seeds and a lower "
        f"test loss in {test_wins} of {len(rows)}."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
