"""Multi-objective core: non-dominated sorting and hypervolume, ridgeline vs Optuna.

For each number of points (default 1,000 and 10,000), number of objectives (2 and 3) and
point set, both libraries compute, in the same process and on the same array:

* ``rank``: the non-dominated front of every point, ridgeline's
  ``ridgeline.multi_objective.nondominated_ranks`` against Optuna's
  ``optuna.study._multi_objective._fast_non_domination_rank`` (what its NSGA-II and
  ``best_trials`` use);
* ``hypervolume``: ridgeline's ``ridgeline.multi_objective.hypervolume`` against Optuna's
  ``optuna._hypervolume.compute_hypervolume``, with the reference point at the worst value
  of each objective over all points plus 10% of its range (every point counts).

Point sets (objectives to minimise, fixed seed):

* ``uniform``: independent uniform values in [0, 1); the front is a small fraction of the
  points (about 10 in 2-D and 60 in 3-D at 10,000 points), so most of the work is finding it;
* ``concave``: DTLZ2-style points (Deb, Thiele, Laumanns & Zitzler 2002): uniform angles
  mapped onto the positive unit sphere, the front of DTLZ2, each pushed outwards by a factor
  ``1 + 0.05 u`` with ``u`` uniform, so that thousands of points are non-dominated, as in a
  long multi-objective run near its front.

Each call is timed ``--repeats`` times with the two libraries interleaved (a noisy machine
slows both alike), after one untimed call each; the table shows the median in milliseconds
and the ratio Optuna / ridgeline (above 1: ridgeline is faster). The answers are compared:
the ranks must be identical and the hypervolumes equal to 1e-9 relative; any disagreement is
printed and the script exits with status 1. Numeric libraries are pinned to one thread.

    python benchmarks/mo_core.py [--sizes 1000 10000] [--objectives 2 3]
        [--kinds uniform concave] [--repeats 5] [--seed 0] [--quick] [--json FILE]
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import datetime  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import ridgeline  # noqa: E402
from ridgeline.multi_objective import hypervolume, nondominated_ranks  # noqa: E402

KINDS = ("uniform", "concave")
TASKS = ("rank", "hypervolume")
HV_RTOL = 1e-9


def make_points(kind: str, n: int, m: int, seed: int) -> np.ndarray:
    """``n`` points in ``m`` objectives of the named kind (see the module docstring)."""
    rng = np.random.default_rng([seed, n, m, KINDS.index(kind)])
    if kind == "uniform":
        return rng.random((n, m))
    # DTLZ2's front: f_1 = prod cos(theta_i), ..., f_m = sin(theta_1), angles in [0, pi/2].
    theta = rng.random((n, m - 1)) * (np.pi / 2)
    f = np.ones((n, m))
    for j in range(m):
        for i in range(m - 1 - j):
            f[:, j] *= np.cos(theta[:, i])
        if j > 0:
            f[:, j] *= np.sin(theta[:, m - 1 - j])
    return f * (1.0 + 0.05 * rng.random((n, 1)))


def _reference(points: np.ndarray) -> np.ndarray:
    worst = points.max(axis=0)
    return worst + 0.1 * (worst - points.min(axis=0))


def _time(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def _optuna_functions() -> tuple[Callable[..., Any], Callable[..., Any], str]:
    import optuna
    from optuna._hypervolume import compute_hypervolume
    from optuna.study._multi_objective import _fast_non_domination_rank

    return _fast_non_domination_rank, compute_hypervolume, optuna.__version__


def measure(
    sizes: list[int], objectives: list[int], kinds: list[str], repeats: int, seed: int
) -> list[dict[str, Any]]:
    optuna_rank, optuna_hv, _ = _optuna_functions()
    rows = []
    for n in sizes:
        for m in objectives:
            for kind in kinds:
                points = make_points(kind, n, m, seed)
                ref = _reference(points)
                calls = {
                    "rank": (
                        lambda p=points: nondominated_ranks(p),
                        lambda p=points: optuna_rank(p),
                    ),
                    "hypervolume": (
                        lambda p=points, r=ref: hypervolume(p, r),
                        lambda p=points, r=ref: optuna_hv(p, r),
                    ),
                }
                front = int((nondominated_ranks(points) == 0).sum())
                for task in TASKS:
                    ours, theirs = calls[task]
                    mine, answer = ours(), theirs()  # untimed: imports, caches
                    times: dict[str, list[float]] = {"ridgeline": [], "optuna": []}
                    for _ in range(repeats):
                        t, mine = _time(ours)
                        times["ridgeline"].append(t)
                        t, answer = _time(theirs)
                        times["optuna"].append(t)
                    if task == "rank":
                        same = bool(np.array_equal(np.asarray(mine), np.asarray(answer)))
                    else:
                        same = bool(abs(mine - answer) <= HV_RTOL * abs(answer))
                    rows.append(
                        {
                            "n": n,
                            "m": m,
                            "kind": kind,
                            "front": front,
                            "task": task,
                            "ridgeline_s": statistics.median(times["ridgeline"]),
                            "optuna_s": statistics.median(times["optuna"]),
                            "same": same,
                            "ridgeline_answer": mine if task == "hypervolume" else None,
                            "optuna_answer": float(answer) if task == "hypervolume" else None,
                        }
                    )
    return rows


def table(rows: list[dict[str, Any]]) -> str:
    lines = [
        "| points | objectives | data | front | task | ridgeline ms | Optuna ms "
        "| Optuna / ridgeline | same answer |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        ratio = r["optuna_s"] / r["ridgeline_s"] if r["ridgeline_s"] > 0 else float("inf")
        lines.append(
            f"| {r['n']:,} | {r['m']} | {r['kind']} | {r['front']:,} | {r['task']} "
            f"| {r['ridgeline_s'] * 1e3:.2f} | {r['optuna_s'] * 1e3:.2f} | {ratio:.1f}x "
            f"| {'yes' if r['same'] else 'NO'} |"
        )
    return "\n".join(lines)


def _commit() -> str:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return out.stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--objectives", type=int, nargs="+", default=[2, 3])
    parser.add_argument("--kinds", nargs="+", default=list(KINDS), choices=list(KINDS))
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--quick", action="store_true", help="smoke test: 200 and 1,000 points, 1 repeat"
    )
    parser.add_argument("--json", help="save the rows here")
    args = parser.parse_args()
    if args.quick:
        args.sizes, args.repeats = [200, 1000], 1
    if args.repeats < 1 or min(args.sizes) < 1 or min(args.objectives) < 2:
        parser.error("--repeats and --sizes must be >= 1, --objectives >= 2")
    try:
        *_, optuna_version = _optuna_functions()
    except ImportError:
        parser.error("Optuna is not installed: pip install -e '.[bench]'")
    print(
        f"# Multi-objective core, {datetime.date.today().isoformat()}, commit {_commit()}: "
        f"ridgeline {ridgeline.__version__}, Optuna {optuna_version}, numpy {np.__version__}, "
        f"python {platform.python_version()}, {os.cpu_count()} cpus; one numeric thread; "
        f"median of {args.repeats} repeat(s)\n"
    )
    rows = measure(args.sizes, args.objectives, args.kinds, args.repeats, args.seed)
    print(table(rows))
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=1))
    wrong = [r for r in rows if not r["same"]]
    for r in wrong:
        print(
            f"DISAGREEMENT: {r['task']} on {r['n']} x {r['m']} {r['kind']}: ridgeline "
            f"{r['ridgeline_answer']!r}, Optuna {r['optuna_answer']!r}",
            file=sys.stderr,
        )
    sys.exit(1 if wrong else 0)


if __name__ == "__main__":
    main()
