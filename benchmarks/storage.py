"""Storage throughput: trials per second for 1, 2 and 4 worker processes, ridgeline vs Optuna.

Every worker is a fresh OS process running ``study.optimize`` on one shared study with a
random sampler and an objective that suggests 5 floats and reports 2 intermediate values, so
the storage is what is measured. Workers start together (a shared start time) and throughput
is total trials / (last finish - start). Also measured: an in-memory study of 10,000 trials
with 10 parameters, and the time of ``import ridgeline`` vs ``import optuna``.

    python benchmarks/storage.py [--trials-per-worker 60] [--postgres-url URL] [--out FILE]

Without ``--postgres-url`` a throw-away PostgreSQL server is started (Debian's postgresql
package), as the test suite does.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

N_PARAMS = 5
LIBS = ("ridgeline", "optuna")


def worker(lib: str, url: str, study_name: str, n_trials: int, start_at: float) -> None:
    """Run in a child process: optimize ``n_trials`` on the shared study, print timings."""
    if lib == "ridgeline":
        import ridgeline as opt
    else:
        import optuna as opt

        opt.logging.set_verbosity(opt.logging.WARNING)
    study = opt.load_study(
        study_name=study_name,
        storage=url,
        sampler=opt.samplers.RandomSampler(),
        pruner=opt.pruners.NopPruner(),
    )

    def objective(trial):  # type: ignore[no-untyped-def]
        xs = [trial.suggest_float(f"x{i}", 0.0, 1.0) for i in range(N_PARAMS)]
        trial.report(sum(xs), 0)
        trial.report(sum(xs) / 2, 1)
        return sum(x * x for x in xs)

    delay = start_at - time.time()
    if delay > 0:
        time.sleep(delay)
    t0 = time.time()
    study.optimize(objective, n_trials=n_trials)
    print(json.dumps({"start": t0, "end": time.time()}))


def run_parallel(lib: str, url: str, n_procs: int, n_trials: int) -> float:
    """Trials per second of ``n_procs`` worker processes sharing one study."""
    study_name = f"bench-{lib}-{uuid.uuid4().hex[:8]}"
    if lib == "ridgeline":
        import ridgeline as opt
    else:
        import optuna as opt

        opt.logging.set_verbosity(opt.logging.WARNING)
    opt.create_study(study_name=study_name, storage=url)
    start_at = time.time() + 3.0 + 0.5 * n_procs  # time for every worker to import and connect
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                __file__,
                "--worker",
                lib,
                url,
                study_name,
                str(n_trials),
                str(start_at),
            ],
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(n_procs)
    ]
    ends = []
    for p in procs:
        out, _ = p.communicate()
        if p.returncode != 0:
            raise RuntimeError(f"{lib} worker failed on {url}")
        ends.append(json.loads(out.strip().splitlines()[-1])["end"])
    study = opt.load_study(study_name=study_name, storage=url)
    total = len(study.trials)
    assert total == n_procs * n_trials, (total, n_procs * n_trials)
    return total / (max(ends) - start_at)


def in_memory(lib: str, n_trials: int, n_params: int) -> float:
    """Seconds for an in-memory study of ``n_trials`` trials with ``n_params`` floats."""
    if lib == "ridgeline":
        import ridgeline as opt
    else:
        import optuna as opt

        opt.logging.set_verbosity(opt.logging.WARNING)
    study = opt.create_study(sampler=opt.samplers.RandomSampler(seed=0))

    def objective(trial):  # type: ignore[no-untyped-def]
        return sum(trial.suggest_float(f"x{i}", 0.0, 1.0) for i in range(n_params))

    t0 = time.perf_counter()
    study.optimize(objective, n_trials=n_trials)
    return time.perf_counter() - t0


def import_time(module: str, repeats: int = 5) -> float:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-c", f"import {module}"], check=True)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def postgres_databases(server_url: str | None) -> tuple[dict[str, str], contextlib.ExitStack]:
    """One fresh database per library (their schemas share table names) on a server:
    the given one, or a throw-away server started like the test suite does."""
    sys.path.insert(0, str(HERE.parent / "tests"))
    from postgres_server import LocalPostgres, find_pg_bindir, new_database

    stack = contextlib.ExitStack()
    if server_url is None:
        bindir = find_pg_bindir()
        if bindir is None:
            raise SystemExit("PostgreSQL binaries not found; install Debian's postgresql.")
        server = LocalPostgres(bindir)
        server.start()
        stack.callback(server.stop)
        server_url = server.url
    urls = {lib: stack.enter_context(new_database(server_url)) for lib in LIBS}
    return urls, stack


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--trials-per-worker", type=int, default=60)
    parser.add_argument("--postgres-url", default=None, help="an existing server to use")
    parser.add_argument("--memory-trials", type=int, default=10_000)
    parser.add_argument("--out", default=None, help="also write the markdown table here")
    args = parser.parse_args()

    pg_urls, pg_stack = postgres_databases(args.postgres_url)
    tmp = tempfile.mkdtemp(prefix="ridgeline-bench-")
    lines = [
        "| storage | processes | ridgeline trials/s | Optuna trials/s | ratio |",
        "|---|---|---|---|---|",
    ]
    try:
        for backend in ("sqlite", "postgresql"):
            for n_procs in (1, 2, 4):
                rates = {}
                for lib in ("ridgeline", "optuna"):
                    if backend == "sqlite":
                        url = f"sqlite:///{tmp}/{lib}-{n_procs}.db"
                    else:
                        url = pg_urls[lib]
                    rates[lib] = run_parallel(lib, url, n_procs, args.trials_per_worker)
                ratio = rates["ridgeline"] / rates["optuna"]
                lines.append(
                    f"| {backend} | {n_procs} | {rates['ridgeline']:.1f} | {rates['optuna']:.1f} "
                    f"| {ratio:.1f}x |"
                )
                print(lines[-1], flush=True)
        mem = {lib: in_memory(lib, args.memory_trials, 10) for lib in ("ridgeline", "optuna")}
        lines += [
            "",
            f"In-memory study, {args.memory_trials:,} trials x 10 float parameters (random "
            "sampler):",
            "",
            "| | ridgeline | Optuna | ratio |",
            "|---|---|---|---|",
            f"| seconds | {mem['ridgeline']:.2f} | {mem['optuna']:.2f} | "
            f"{mem['optuna'] / mem['ridgeline']:.1f}x faster |",
        ]
        imp = {m: import_time(m) for m in ("ridgeline", "optuna")}
        lines += [
            "",
            "Import time (median of 5 fresh interpreters, including interpreter start):",
            "",
            "| | ridgeline | Optuna |",
            "|---|---|---|",
            f"| `import` seconds | {imp['ridgeline']:.3f} | {imp['optuna']:.3f} |",
        ]
    finally:
        pg_stack.close()
    table = "\n".join(lines)
    print(table)
    if args.out:
        Path(args.out).write_text(table + "\n")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        _, _, lib, url, name, n, start = sys.argv
        worker(lib, url, name, int(n), float(start))
    else:
        main()
