"""PopulationBasedTraining: the settings of a run and the decisions between its segments."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from ridgeline.distributions import BaseDistribution, distribution_to_json
from ridgeline.pbt._checks import PBTError, PBTTypeError, check_int, check_real
from ridgeline.pbt._exploit import explore, truncation_selection
from ridgeline.pbt._mutations import Space, check_start_value, parse_mutations, sample
from ridgeline.pbt._records import CHECKPOINT_KEY, Assignment, segment_value
from ridgeline.study._study_direction import StudyDirection
from ridgeline.trial._frozen import FrozenTrial

if TYPE_CHECKING:
    from ridgeline.pbt._executors import BaseSegmentExecutor, TrainFunction
    from ridgeline.pbt._result import PBTResult
    from ridgeline.storages._base import BaseStorage

__all__ = ["PopulationBasedTraining", "derive_seed"]

_OWNER = "PopulationBasedTraining"
# Namespaces of the seed sequence: the scheduler's decisions and the training function's seeds
# are drawn from separate streams, each keyed by segment (and member), so that a resumed run
# draws exactly what the interrupted one drew.
_PLAN_STREAM = 0
_TRAIN_STREAM = 1


def derive_seed(seed: int, *key: int) -> int:
    """A 32-bit seed from ``seed`` and a key path (independent streams per key).

    Example:
        >>> derive_seed(0, 1, 2) == derive_seed(0, 1, 2) != derive_seed(0, 2, 1)
        True
    """
    sequence = np.random.SeedSequence(entropy=seed, spawn_key=key)
    return int(sequence.generate_state(1, dtype=np.uint32)[0])


def _plan_rng(seed: int, segment: int) -> np.random.Generator:
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(_PLAN_STREAM, segment)))


class PopulationBasedTraining:
    """Population-based training (Jaderberg et al. 2017, "Population Based Training of Neural
    Networks", arXiv 1711.09846): train a population of models in parallel and, every
    ``perturbation_interval`` steps, let the worst copy the best and perturb their
    hyperparameters, so that the population discovers a schedule rather than one setting.

    Training runs in *segments* of ``perturbation_interval`` steps. Generations are
    synchronous: all members train segment ``k`` (in parallel), then the members in the bottom
    ``quantile_fraction`` (by the segment's metric) copy the checkpoint and configuration of a
    member drawn uniformly from the top ``quantile_fraction`` (exploit) and change each copied
    hyperparameter (explore): with ``resample_probability`` it is drawn afresh from its
    mutation, otherwise a number is multiplied by one of ``perturbation_factors`` (clipped to
    its bounds, on its grid, integers rounded) and a choice moves to a neighbouring one. The
    other members continue unchanged. Synchronous generations make a seeded run reproducible:
    every decision depends on the seed and the recorded metrics only, not on which member
    finished first. The price is that a generation waits for its slowest member.

    Args:
        population_size: The number of members (>= 2).
        perturbation_interval: Steps per segment (>= 1): members are compared and exploited
            every this many steps.
        hyperparam_mutations: ``{name: space}`` of the hyperparameters to explore: a
            :class:`~ridgeline.distributions.FloatDistribution` or
            :class:`~ridgeline.distributions.IntDistribution` (bounds, ``log``, ``step`` are
            respected), a :class:`~ridgeline.distributions.CategoricalDistribution` or a plain
            list of choices (perturbation moves to a neighbour in the list). Each member's
            starting value is drawn from it unless ``config`` gives one.
        config: Optional: the whole configuration passed to the training function. Keys not
            in ``hyperparam_mutations`` are constants. If given, it must hold every mutated
            name, with a starting value (all members start there) or a distribution of
            starting values (of the same kind, inside the mutation's space): this catches a
            misspelt name that would otherwise never change.
        direction: ``"minimize"`` or ``"maximize"`` the metric.
        metric: The name of the metric to rank by when the training function returns a dict
            of several metrics.
        quantile_fraction: The fraction of the population in the top and in the bottom
            quantile, in (0, 0.5]; ``ceil(population_size * quantile_fraction)`` members each.
        resample_probability: The probability that an explored hyperparameter is resampled
            instead of perturbed, in [0, 1].
        perturbation_factors: The factors a perturbed number is multiplied by (one drawn
            uniformly each time); positive numbers.
        seed: Seeds every decision (starting values, exploit, explore) and the seeds the
            training function gets. With None a seed is drawn and stored with the run, so a
            resumed run still decides as the interrupted one would have.

    Raises:
        PBTError: On any argument outside what is described above (a ``ValueError``; also a
            ``TypeError`` for a value of the wrong type), with the value and the fix.

    Example:
        >>> import ridgeline
        >>> from ridgeline.distributions import FloatDistribution
        >>> def train(config, checkpoint, ctx):
        ...     x = 0.0 if checkpoint is None else checkpoint
        ...     for _ in range(ctx.n_steps):
        ...         x += config["lr"] * (1.0 - x)  # approaches 1 faster with a larger lr
        ...     return x, x
        >>> pbt = PopulationBasedTraining(
        ...     population_size=4, perturbation_interval=5, direction="maximize", seed=0,
        ...     hyperparam_mutations={"lr": FloatDistribution(1e-3, 0.5, log=True)})
        >>> result = pbt.run(train, n_segments=4)
        >>> len(result.history), round(result.best_value, 3) > 0.9
        (16, True)
    """

    def __init__(
        self,
        *,
        population_size: int,
        perturbation_interval: int,
        hyperparam_mutations: Mapping[str, BaseDistribution | Sequence[Any]],
        config: Mapping[str, Any] | None = None,
        direction: str | StudyDirection = "minimize",
        metric: str | None = None,
        quantile_fraction: float = 0.25,
        resample_probability: float = 0.25,
        perturbation_factors: Sequence[float] = (1.2, 0.8),
        seed: int | None = None,
    ) -> None:
        self.population_size = check_int(_OWNER, "population_size", population_size, 2)
        self.perturbation_interval = check_int(
            _OWNER, "perturbation_interval", perturbation_interval, 1
        )
        self.spaces: dict[str, Space] = parse_mutations(hyperparam_mutations)
        self.config = self._check_config(config)
        self.direction = _check_direction(direction)
        if metric is not None and (not isinstance(metric, str) or not metric):
            raise PBTTypeError(
                f"`metric` of {_OWNER} must be None or a metric name (a non-empty str); "
                f"got {metric!r}."
            )
        self.metric = metric
        q = check_real(_OWNER, "quantile_fraction", quantile_fraction, "in (0, 0.5]")
        if not 0.0 < q <= 0.5:
            raise PBTError(
                f"`quantile_fraction` of {_OWNER} must be in (0, 0.5]; got {quantile_fraction!r}."
                " The top and the bottom quantile must not overlap."
            )
        self.quantile_fraction = q
        p = check_real(_OWNER, "resample_probability", resample_probability, "in [0, 1]")
        if not 0.0 <= p <= 1.0:
            raise PBTError(
                f"`resample_probability` of {_OWNER} must be in [0, 1]; "
                f"got {resample_probability!r}."
            )
        self.resample_probability = p
        self.perturbation_factors = _check_factors(perturbation_factors)
        if seed is not None:
            check_int(_OWNER, "seed", seed, 0)
        self.seed = seed

    def __repr__(self) -> str:
        return (
            f"PopulationBasedTraining(population_size={self.population_size}, "
            f"perturbation_interval={self.perturbation_interval}, "
            f"hyperparam_mutations={self.spaces!r}, direction={self.direction.name.lower()!r})"
        )

    def _check_config(self, config: Any) -> dict[str, Any]:
        if config is None:
            return {}
        if not isinstance(config, Mapping) or not all(isinstance(k, str) for k in config):
            raise PBTTypeError(
                f"`config` of {_OWNER} must be None or a dict with str keys; got {config!r}."
            )
        missing = [name for name in self.spaces if name not in config]
        if missing:
            raise PBTError(
                f"`hyperparam_mutations` of {_OWNER} names {missing!r}, which `config` does "
                f"not hold (config keys: {sorted(config)!r}). Add each one to `config` with a "
                "starting value or distribution, fix the spelling, or leave `config` out to "
                "draw every starting value from `hyperparam_mutations`."
            )
        for name in self.spaces:
            check_start_value(name, config[name], self.spaces[name])
        return dict(config)

    # ---------------------------------------------------------------- stored settings
    def settings(self, seed: int) -> dict[str, Any]:
        """The settings a stored run must keep when it is resumed (JSON-serialisable)."""
        return {
            "population_size": self.population_size,
            "perturbation_interval": self.perturbation_interval,
            "hyperparam_mutations": {
                name: distribution_to_json(space) for name, space in sorted(self.spaces.items())
            },
            "direction": self.direction.name.lower(),
            "metric": self.metric,
            "quantile_fraction": self.quantile_fraction,
            "resample_probability": self.resample_probability,
            "perturbation_factors": list(self.perturbation_factors),
            "seed": seed,
        }

    # ---------------------------------------------------------------- decisions
    def full_config(self, mutated: Mapping[str, Any]) -> dict[str, Any]:
        """The configuration the training function gets: ``config`` with mutated values."""
        full = {k: v for k, v in self.config.items() if k not in self.spaces}
        full.update(mutated)
        return full

    def initial_plan(self, seed: int) -> list[Assignment]:
        """Segment 0: every member's starting configuration, with no checkpoint."""
        rng = _plan_rng(seed, 0)
        plan = []
        for member in range(self.population_size):
            config = {}
            for name in sorted(self.spaces):
                start = self.config.get(name, self.spaces[name])
                config[name] = sample(start, rng) if isinstance(start, BaseDistribution) else start
            plan.append(Assignment(member, config))
        return plan

    def next_plan(
        self, segment: int, previous: Mapping[int, FrozenTrial], seed: int
    ) -> list[Assignment]:
        """The plan of ``segment`` from the recorded trials of ``segment - 1`` (one per member).

        Exploit by truncation selection, then explore the copied configurations (see the class
        docstring); the draws come from a generator keyed by ``seed`` and ``segment``.
        """
        rng = _plan_rng(seed, segment)
        members = range(self.population_size)
        values = [segment_value(previous[m]) for m in members]
        donors = truncation_selection(
            values,
            maximize=self.direction == StudyDirection.MAXIMIZE,
            quantile_fraction=self.quantile_fraction,
            rng=rng,
        )
        plan = []
        for member in members:
            donor = donors.get(member)
            source = previous[member if donor is None else donor]
            config = {name: source.params[name] for name in self.spaces}
            if donor is not None:
                config = explore(
                    config,
                    self.spaces,
                    resample_probability=self.resample_probability,
                    perturbation_factors=self.perturbation_factors,
                    rng=rng,
                )
            plan.append(
                Assignment(
                    member,
                    config,
                    checkpoint_key=source.system_attrs[CHECKPOINT_KEY],
                    parent=source.number,
                    donor=donor,
                )
            )
        return plan

    def train_seed(self, seed: int, segment: int, member: int) -> int:
        """The seed the training function gets for ``member``'s ``segment``."""
        return derive_seed(seed, _TRAIN_STREAM, segment, member)

    # ---------------------------------------------------------------- run
    def run(
        self,
        train: TrainFunction,
        n_segments: int,
        *,
        storage: str | BaseStorage | None = None,
        study_name: str | None = None,
        checkpoint_store: Any = None,
        n_jobs: int = 1,
        executor: str | BaseSegmentExecutor = "threads",
        keep_checkpoints: bool = False,
    ) -> PBTResult:
        """Train the population until every member has trained ``n_segments`` segments.

        Each segment calls ``train(config, checkpoint, ctx)``: ``config`` is the member's
        configuration (a fresh dict), ``checkpoint`` what the training function returned at
        the end of the segment it continues (None in segment 0; after an exploit, the copied
        member's), ``ctx`` a :class:`~ridgeline.pbt.SegmentContext` (member, segment, steps
        ``start_step .. end_step - 1``, a seed). It must train ``ctx.n_steps`` steps and return
        ``(metrics, checkpoint)``: ``metrics`` a finite number or a dict of numbers (then
        ``metric`` names the one to rank by, unless it has one entry), ``checkpoint`` any
        picklable object.

        Every segment is recorded, as soon as it ends, as one trial of the study
        ``study_name`` in ``storage`` (created if missing). Running again on the same study
        and checkpoint store resumes: recorded segments are not trained again, members continue
        from their last recorded checkpoint, and a larger ``n_segments`` extends the run.

        Args:
            train: The training function.
            n_segments: How many segments each member trains (>= 1), in total over every run
                of this study.
            storage: None (in memory), a database URL such as ``"sqlite:///pbt.db"``, or a
                storage object.
            study_name: The study's name; needed to resume from a database.
            checkpoint_store: None (in memory), a folder, or a
                :class:`~ridgeline.pbt.CheckpointStore`. Resuming needs a folder (or another
                persistent store).
            n_jobs: Members trained at once (-1: one per CPU).
            executor: ``"threads"``, ``"processes"`` (the training function must be
                picklable) or a :class:`~ridgeline.pbt.BaseSegmentExecutor`, whose own
                parallelism then applies.
            keep_checkpoints: Keep every segment's checkpoint. By default a segment's
                checkpoints are deleted (if the store can delete) once every member has
                recorded the next segment; the last segment's are always kept.

        Returns:
            A :class:`~ridgeline.pbt.PBTResult`.

        Raises:
            PBTError: On bad arguments, a study that holds a run with other settings, or a
                training function that returns no usable metric (after the generation's other
                segments are recorded; the bad segment is a FAIL trial with the reason).
            Exception: Whatever the training function raised, likewise after recording.
        """
        from ridgeline.pbt._runner import run_population

        return run_population(
            self,
            train,
            n_segments,
            storage=storage,
            study_name=study_name,
            checkpoint_store=checkpoint_store,
            n_jobs=n_jobs,
            executor=executor,
            keep_checkpoints=keep_checkpoints,
        )


def _check_direction(direction: Any) -> StudyDirection:
    if isinstance(direction, StudyDirection) and direction != StudyDirection.NOT_SET:
        return direction
    if isinstance(direction, str) and direction.lower() in ("minimize", "maximize"):
        return StudyDirection[direction.upper()]
    raise PBTError(f"`direction` of {_OWNER} must be 'minimize' or 'maximize'; got {direction!r}.")


def _check_factors(factors: Any) -> tuple[float, ...]:
    if isinstance(factors, (str, bytes)) or not isinstance(factors, Sequence) or not factors:
        raise PBTTypeError(
            f"`perturbation_factors` of {_OWNER} must be a non-empty list of positive numbers "
            f"such as (1.2, 0.8); got {factors!r}."
        )
    checked = []
    for f in factors:
        value = check_real(_OWNER, "perturbation_factors", f, "> 0 (each)")
        if value <= 0.0:
            raise PBTError(
                f"`perturbation_factors` of {_OWNER} must hold positive numbers such as "
                f"(1.2, 0.8); got {factors!r}: {f!r} is not > 0."
            )
        checked.append(value)
    return tuple(checked)


def draw_seed() -> int:
    """A fresh seed for a run created with ``seed=None`` (stored with the run)."""
    return int.from_bytes(os.urandom(4), "little")
