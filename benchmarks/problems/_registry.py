"""All problems by name, and the groups the command line accepts."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TypeVar

from benchmarks.problems._problem import Problem
from benchmarks.problems.multi_objective import MO_PROBLEMS, MultiObjectiveProblem
from benchmarks.problems.sklearn_tasks import SKLEARN_PROBLEMS
from benchmarks.problems.synthetic import SYNTHETIC_PROBLEMS

__all__ = ["GROUPS", "MO_PROBLEMS", "PROBLEMS", "mo_problems_named", "problems_named"]

PROBLEMS: dict[str, Problem] = {p.name: p for p in (*SYNTHETIC_PROBLEMS, *SKLEARN_PROBLEMS)}
GROUPS = ("all", "sklearn", "synthetic")

_P = TypeVar("_P", Problem, MultiObjectiveProblem)


def problems_named(names: Sequence[str]) -> list[Problem]:
    """Problems by name or group (``synthetic``, ``sklearn``, ``all``), in the order given,
    without repeats.

    Raises:
        KeyError: A name is neither a problem nor a group.
    """
    return _named(names, PROBLEMS)


def mo_problems_named(names: Sequence[str]) -> list[MultiObjectiveProblem]:
    """Multi-objective problems (:data:`MO_PROBLEMS`) by name or group, as
    :func:`problems_named`.

    Raises:
        KeyError: A name is neither a problem nor a group.
    """
    return _named(names, MO_PROBLEMS)


def _named(names: Sequence[str], registry: Mapping[str, _P]) -> list[_P]:
    out: list[_P] = []
    for name in names:
        if name == "all":
            out.extend(registry.values())
        elif name in GROUPS:
            out.extend(p for p in registry.values() if p.group == name)
        elif name in registry:
            out.append(registry[name])
        else:
            raise KeyError(
                f"unknown problem {name!r}; choose from {', '.join(registry)} or a group "
                f"({', '.join(GROUPS)})"
            )
    return list(dict.fromkeys(out))
