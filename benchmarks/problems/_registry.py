"""All problems by name, and the groups the command line accepts."""

from __future__ import annotations

from collections.abc import Sequence

from benchmarks.problems._problem import Problem
from benchmarks.problems.sklearn_tasks import SKLEARN_PROBLEMS
from benchmarks.problems.synthetic import SYNTHETIC_PROBLEMS

__all__ = ["GROUPS", "PROBLEMS", "problems_named"]

PROBLEMS: dict[str, Problem] = {p.name: p for p in (*SYNTHETIC_PROBLEMS, *SKLEARN_PROBLEMS)}
GROUPS = ("all", "sklearn", "synthetic")


def problems_named(names: Sequence[str]) -> list[Problem]:
    """Problems by name or group (``synthetic``, ``sklearn``, ``all``), in the order given,
    without repeats.

    Raises:
        KeyError: A name is neither a problem nor a group.
    """
    out: list[Problem] = []
    for name in names:
        if name == "all":
            out.extend(PROBLEMS.values())
        elif name in GROUPS:
            out.extend(p for p in PROBLEMS.values() if p.group == name)
        elif name in PROBLEMS:
            out.append(PROBLEMS[name])
        else:
            raise KeyError(
                f"unknown problem {name!r}; choose from {', '.join(PROBLEMS)} or a group "
                f"({', '.join(GROUPS)})"
            )
    return list(dict.fromkeys(out))
