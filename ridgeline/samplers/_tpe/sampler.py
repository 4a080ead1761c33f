"""The tree-structured Parzen estimator (TPE) sampler.

TPE (Bergstra et al. 2011, "Algorithms for Hyper-Parameter Optimization") splits the finished
trials into a good group (the best ``gamma(n)``) and the rest, fits a Parzen estimator to each
(``l(x)`` and ``g(x)``), draws candidates from ``l`` and keeps the one with the largest
``l(x) / g(x)``, which maximises expected improvement under the model. The components and their
defaults follow Watanabe 2023 ("Tree-Structured Parzen Estimator: Understanding Its Algorithm
Components and Their Roles for Better Empirical Performance", arXiv:2304.11127) and were checked
with our own benchmark (``benchmarks/efficiency.py``); the multivariate kernels follow Falkner
et al. 2018 (BOHB). With one objective the good group's observations are weighted by how much
they improve on the rest (Watanabe 2023, sec. 3.2: "EI" weighting); Optuna and Hyperopt weight
them alike. On our suite it lowered the mean regret after 200 evaluations by a quarter
(``benchmarks/RESULTS.md``).
"""

from __future__ import annotations

import logging
import math
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from ridgeline.distributions import BaseDistribution, CategoricalDistribution
from ridgeline.samplers._base import BaseSampler
from ridgeline.samplers._constraints import store_constraints
from ridgeline.samplers._random import check_seed, sample_uniform
from ridgeline.samplers._tpe._codec import CATEGORICAL
from ridgeline.samplers._tpe._errors import TPEArgumentError
from ridgeline.samplers._tpe._history import History, encode_pending
from ridgeline.samplers._tpe._params import ParzenParams
from ridgeline.trial._frozen import FrozenTrial
from ridgeline.trial._state import TrialState

if TYPE_CHECKING:
    from ridgeline.study._study import Study

__all__ = ["TPESampler", "default_gamma", "default_weights", "hyperopt_default_gamma"]

_logger = logging.getLogger(__name__)
_OWNER = "TPESampler"


def default_gamma(n: int) -> int:
    """The size of the good group among ``n`` trials: 10 %, at most 25."""
    return min(math.ceil(0.1 * n), 25)


def hyperopt_default_gamma(n: int) -> int:
    """Hyperopt's good-group size: ``ceil(0.25 * sqrt(n))``, at most 25."""
    return min(math.ceil(0.25 * math.sqrt(n)), 25)


def default_weights(n: int) -> np.ndarray:
    """Observation weights, oldest first: the newest 25 weigh 1, older ones fade linearly.

    This is the "linear forgetting" of Bergstra et al. 2011, so that early, unrepresentative
    trials matter less as the history grows.
    """
    if n < 25:
        return np.ones(n)
    return np.concatenate([np.linspace(1.0 / n, 1.0, num=n - 25), np.ones(25)])


class _TrialContext:
    """What one trial's suggestions share: the split, the good group's weights with several
    objectives, and the running trials (constant liar).

    ``below`` marks the good rows (the others are the bad ones); ``startup`` says the trial is
    sampled at random; ``gains`` (None: not used) each good row's improvement on the rest (see
    ``improvement_weights``)."""

    __slots__ = ("below", "below_weights", "gains", "history", "n", "pending", "startup")

    def __init__(
        self,
        history: History,
        n: int,
        below: np.ndarray,
        below_weights: np.ndarray | None,
        pending: list[FrozenTrial],
        *,
        startup: bool,
    ) -> None:
        self.history = history
        self.n = n
        self.below = below
        self.below_weights = below_weights
        self.pending = pending
        self.startup = startup
        self.gains: np.ndarray | None = None


class TPESampler(BaseSampler):
    """Tree-structured Parzen estimator: model good and bad trials, sample where good is likely.

    The first ``n_startup_trials`` trials are drawn at random; after that each parameter (or,
    with ``multivariate=True``, each group of parameters) is proposed by TPE. Finished trials
    are folded into growing arrays once, so the cost per trial stays nearly flat over long
    studies.

    Args:
        consider_prior: Add a wide kernel centred on the middle of each range (uniform over
            choices) to both estimators, so no region's density drops to zero.
        prior_weight: The prior kernel's weight, relative to an observation's (whose is 1).
        consider_magic_clip: Keep kernel widths at least ``1 / min(100, n + 2)`` of the
            range, so a few close observations cannot collapse the model onto a point.
        consider_endpoints: Count the range's bounds as neighbours when setting the widths of
            the outermost kernels (univariate estimators).
        n_startup_trials: Random trials before TPE takes over (COMPLETE and PRUNED ones count).
        n_ei_candidates: Candidates drawn from the good estimator per suggestion.
        gamma: ``gamma(n)`` is the size of the good group among ``n`` finished trials.
        weights: ``weights(n)`` gives ``n`` non-negative weights for a group's observations,
            oldest first. It weights the bad group; the good group too when
            ``improvement_weights`` is off. With several objectives the good group's
            observations are weighted by their hypervolume contribution (MOTPE, Ozaki et al.
            2022), and the last non-dominated front that does not fit whole into the good
            group is cut by greedy hypervolume subset selection.
        improvement_weights: With one objective, weight each observation of the good group by
            how much it improves on the best of the other trials (the "EI" weighting of
            Watanabe 2023, sec. 3.2), so that the good estimator gathers around the best
            observations as the search narrows; one tied with the rest gets no weight. The
            good group's weights average 1, like the prior's default weight. ``None`` (the
            default) turns it on unless ``weights`` is given; ``False`` weights both groups
            by ``weights``, as Optuna does. It applies while every member of the good group
            is a feasible complete trial (otherwise the good group is weighted by
            ``weights``).
        seed: Seed for reproducible runs (with ``n_jobs=1``).
        multivariate: Model the parameters jointly with product kernels (Falkner et al. 2018),
            capturing interactions, instead of each on its own.
        group: With ``multivariate``, split a conditional space into groups of parameters that
            always occur together and model each group jointly (the default when
            ``multivariate``; on spaces without conditional parameters it changes nothing).
            Branches are modelled separately: a branch's model learns from the trials that
            took it; the split into good and bad is shared by all (a branch that is rarely
            among the best gets a good estimator made mostly of the prior). Without ``group``
            only the parameters every trial has are modelled jointly; the others are modelled
            one by one.
        warn_independent_sampling: With ``multivariate``, log a warning when a parameter is
            sampled on its own (outside the joint space).
        constant_liar: Treat running trials as bad ones, so parallel workers do not propose
            the same point again and again.
        constraints_func: ``constraints_func(trial)`` returns a sequence of floats, feasible
            when all are ``<= 0``. Feasible trials rank before infeasible ones, which rank by
            total violation. The values are stored in the trial's system attribute
            ``"constraints"``.
        categorical_distance_func: ``{param_name: f(a, b) -> distance}`` for categorical
            parameters whose choices have an order or metric; near choices then share more
            probability in the kernels.

    Raises:
        ValueError: On an argument out of range, naming the argument and the fix.
        TypeError: On an argument of the wrong type.

    Example:
        >>> import ridgeline
        >>> study = ridgeline.create_study(sampler=TPESampler(seed=0))
        >>> study.optimize(lambda t: (t.suggest_float("x", -5, 5) - 2) ** 2, n_trials=40)
        >>> abs(study.best_params["x"] - 2) < 0.5
        True
    """

    def __init__(
        self,
        *,
        consider_prior: bool = True,
        prior_weight: float = 1.0,
        consider_magic_clip: bool = True,
        consider_endpoints: bool = False,
        n_startup_trials: int = 10,
        n_ei_candidates: int = 24,
        gamma: Callable[[int], int] = default_gamma,
        weights: Callable[[int], np.ndarray] = default_weights,
        improvement_weights: bool | None = None,
        seed: int | None = None,
        multivariate: bool = True,
        group: bool | None = None,
        warn_independent_sampling: bool = True,
        constant_liar: bool = True,
        constraints_func: Callable[[FrozenTrial], Sequence[float]] | None = None,
        categorical_distance_func: dict[str, Callable[[Any, Any], float]] | None = None,
    ) -> None:
        if group is None:
            group = bool(multivariate)
        if improvement_weights is None:
            improvement_weights = weights is default_weights
        for name, value in (
            ("consider_prior", consider_prior),
            ("consider_magic_clip", consider_magic_clip),
            ("consider_endpoints", consider_endpoints),
            ("multivariate", multivariate),
            ("group", group),
            ("warn_independent_sampling", warn_independent_sampling),
            ("constant_liar", constant_liar),
            ("improvement_weights", improvement_weights),
        ):
            if not isinstance(value, (bool, np.bool_)):
                raise _TypeError(f"`{name}` of {_OWNER} must be True or False; got {value!r}.")
        _check_count("n_startup_trials", n_startup_trials, minimum=0)
        _check_count("n_ei_candidates", n_ei_candidates, minimum=1)
        if (
            isinstance(prior_weight, bool)
            or not isinstance(prior_weight, (int, float))
            or not math.isfinite(prior_weight)
            or prior_weight <= 0
        ):
            raise TPEArgumentError(
                f"`prior_weight` of {_OWNER} must be a positive finite number; got "
                f"{prior_weight!r}. Use consider_prior=False to drop the prior."
            )
        for name, func in (("gamma", gamma), ("weights", weights)):
            if not callable(func):
                raise _TypeError(f"`{name}` of {_OWNER} must be a function of n; got {func!r}.")
        if constraints_func is not None and not callable(constraints_func):
            raise _TypeError(
                f"`constraints_func` of {_OWNER} must be a function of a trial or None; got "
                f"{constraints_func!r}."
            )
        distance_funcs = _check_distance_funcs(categorical_distance_func)
        if group and not multivariate:
            raise TPEArgumentError(
                f"`group=True` of {_OWNER} needs multivariate=True (groups are modelled "
                "jointly); pass multivariate=True or drop group."
            )

        self._n_startup_trials = int(n_startup_trials)
        self._n_ei_candidates = int(n_ei_candidates)
        self._gamma = gamma
        self._weights = weights
        self._improvement_weights = bool(improvement_weights)
        self._seed = check_seed(seed, _OWNER)
        self._rng = np.random.default_rng(self._seed)
        self._multivariate = bool(multivariate)
        self._group = bool(group)
        self._warn_independent_sampling = bool(warn_independent_sampling)
        self._constant_liar = bool(constant_liar)
        self._constraints_func = constraints_func
        self._parzen = ParzenParams(
            consider_prior=bool(consider_prior),
            prior_weight=float(prior_weight),
            consider_magic_clip=bool(consider_magic_clip),
            consider_endpoints=bool(consider_endpoints),
            multivariate=bool(multivariate),
            distance_funcs=distance_funcs,
        )
        self._lock = threading.RLock()
        self._histories: dict[tuple[int, int], History] = {}
        self._contexts: OrderedDict[tuple[int, int, int], _TrialContext] = OrderedDict()

    @staticmethod
    def hyperopt_parameters() -> dict[str, Any]:
        """Keyword arguments that make this sampler behave like Hyperopt's TPE defaults."""
        return {
            "consider_prior": True,
            "prior_weight": 1.0,
            "consider_magic_clip": True,
            "consider_endpoints": False,
            "n_startup_trials": 20,
            "n_ei_candidates": 24,
            "gamma": hyperopt_default_gamma,
            "weights": default_weights,
            "improvement_weights": False,
            "multivariate": False,
        }

    def reseed_rng(self) -> None:
        with self._lock:
            self._rng = np.random.default_rng()

    def __getstate__(self) -> dict[str, Any]:
        # The lock cannot be pickled, and the per-study caches refer to storages: a copy (or
        # a sampler sent to another process) rebuilds them from the study on first use.
        state = self.__dict__.copy()
        del state["_lock"]
        state["_histories"] = {}
        state["_contexts"] = OrderedDict()
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._lock = threading.RLock()

    # ------------------------------------------------------------------ history
    def _history(self, study: Study) -> History:
        key = (id(study._storage), study._study_id)
        history = self._histories.get(key)
        if history is None or (history.n and not history.cursor.follows(study)):
            history = History(study.directions, self._constraints_func is not None)
            self._histories[key] = history
        return history

    def _context(self, study: Study, trial: FrozenTrial) -> _TrialContext:
        key = (id(study._storage), study._study_id, trial._number)
        ctx = self._contexts.get(key)
        if ctx is not None:
            return ctx
        history = self._history(study)
        pending = history.update(study)
        if self._constant_liar:
            pending = [t for t in pending if t._number != trial._number and t._params]
        else:
            pending = []
        ctx = self._split(history, pending)
        self._contexts[key] = ctx
        while len(self._contexts) > 256:  # trials asked but never told
            self._contexts.popitem(last=False)
        return ctx

    def _split(self, history: History, pending: list[FrozenTrial]) -> _TrialContext:
        """The good/bad split of the history for one trial (random before
        ``n_startup_trials``)."""
        n = history.n
        if n < self._n_startup_trials:
            return _TrialContext(history, n, np.zeros(0, bool), None, pending, startup=True)
        n_below = self._n_below(n)
        below = history.below_mask(n_below)
        weights = history.below_weights(n_below) if len(history.signs) > 1 else None
        ctx = _TrialContext(history, n, below, weights, pending, startup=False)
        if self._improvement_weights and weights is None:
            ctx.gains = history.improvements(below)
        return ctx

    def _n_below(self, n: int) -> int:
        value = self._gamma(n)
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
            raise TPEArgumentError(
                f"`gamma` of {_OWNER} must return a count between 0 and n; gamma({n}) returned "
                f"{value!r}. Return e.g. min(math.ceil(0.1 * n), 25)."
            )
        return min(int(value), n)

    # ------------------------------------------------------------------ protocol
    def infer_relative_search_space(
        self, study: Study, trial: FrozenTrial
    ) -> dict[str, BaseDistribution]:
        with self._lock:
            ctx = self._context(study, trial)
            if not self._multivariate:
                return {}
            history = ctx.history
            if self._group:
                space: dict[str, BaseDistribution] = {}
                for group in history.groups.search_spaces:
                    space.update(group)
            else:
                space = dict(history.intersection or {})
            return {name: d for name, d in sorted(space.items()) if not d.single()}

    def sample_relative(
        self, study: Study, trial: FrozenTrial, search_space: dict[str, BaseDistribution]
    ) -> dict[str, Any]:
        if not search_space:
            return {}
        with self._lock:
            ctx = self._context(study, trial)
            if ctx.startup:
                return {}
            if self._group:
                groups = [
                    {k: v for k, v in g.items() if search_space.get(k) == v}
                    for g in ctx.history.groups.search_spaces
                ]
            else:
                groups = [search_space]
            params: dict[str, Any] = {}
            for space in groups:
                if space:
                    params.update(self._sample(ctx, space))
            return params

    def sample_independent(
        self,
        study: Study,
        trial: FrozenTrial,
        param_name: str,
        param_distribution: BaseDistribution,
    ) -> Any:
        with self._lock:
            if param_distribution.single():
                return sample_uniform(self._rng, param_distribution)
            ctx = self._context(study, trial)
            if ctx.startup:
                return sample_uniform(self._rng, param_distribution)
            if self._multivariate and self._warn_independent_sampling:
                _logger.warning(
                    "TPESampler samples %r of trial %d on its own: it is not in the joint "
                    "search space (conditional or new parameter). Pass group=True to model "
                    "conditional parameters jointly with the ones they occur with.",
                    param_name,
                    trial._number,
                )
            return self._sample(ctx, {param_name: param_distribution})[param_name]

    def after_trial(
        self,
        study: Study,
        trial: FrozenTrial,
        state: TrialState,
        values: Sequence[float] | None,
    ) -> None:
        with self._lock:
            self._contexts.pop((id(study._storage), study._study_id, trial._number), None)
        store_constraints(study, trial, state, self._constraints_func, _OWNER)

    # ------------------------------------------------------------------ the model
    def _sample(self, ctx: _TrialContext, space: dict[str, BaseDistribution]) -> dict[str, Any]:
        history = ctx.history
        names = list(space)
        if self._parzen.distance_funcs:
            check_distance_func_targets(self._parzen.distance_funcs, space)
        columns = [history.column(name, space[name]) for name in names]
        n = ctx.n
        mask = np.ones(n, dtype=bool)
        for column in columns:
            mask &= column.mask.view[:n]
        below_rows = np.flatnonzero(mask & ctx.below)
        above_rows = np.flatnonzero(mask & ~ctx.below)
        if not self._parzen.consider_prior and len(below_rows) == 0:
            return {name: sample_uniform(self._rng, space[name]) for name in names}

        def stacked(rows: np.ndarray) -> np.ndarray:
            out = np.empty((len(columns), len(rows)))
            for j, c in enumerate(columns):
                c.u.view.take(rows, out=out[j])
            return out.T

        x_above = stacked(above_rows)
        gains = ctx.gains[below_rows] if ctx.gains is not None else None
        if ctx.below_weights is not None:  # several objectives: by hypervolume contribution
            w_below = ctx.below_weights[below_rows]
        elif gains is not None and gains.sum() > 0:  # one objective: by improvement
            w_below = gains / gains.mean()
        else:
            w_below = self._observation_weights(history.numbers.view[below_rows])
        w_above = self._observation_weights(history.numbers.view[above_rows])
        lies = self._pending_points(ctx, names, columns) if ctx.pending else None
        if lies is not None and len(lies):
            x_above = np.vstack([x_above, lies])
            w_above = np.append(w_above, np.ones(len(lies)))
        from ridgeline.samplers._tpe._parzen import Mixture  # scipy: imported on first use

        codecs = [c.codec for c in columns]
        # The good group changes only when a trial enters it: until then its estimator is
        # the same, and is kept.
        key = tuple(columns)
        kept = history.models.get(key)
        if (
            kept is not None
            and np.array_equal(kept[0], below_rows)
            and np.array_equal(kept[1], w_below)
        ):
            good = kept[2]
        else:
            good = Mixture(codecs, names, stacked(below_rows), w_below, self._parzen)
            history.models[key] = (below_rows, w_below, good)
        orders = _sorted_positions(columns, mask & ~ctx.below, lies)
        bad = Mixture(codecs, names, x_above, w_above, self._parzen, orders)
        candidates = good.sample(self._rng, self._n_ei_candidates)
        cells = good.cells(candidates)
        score = good.log_pdf(candidates, cells) - bad.log_pdf(candidates, cells)
        best = candidates[int(np.nanargmax(score)) if np.any(~np.isnan(score)) else 0]
        return {name: codecs[j].decode_one(float(best[j])) for j, name in enumerate(names)}

    def _observation_weights(self, numbers: np.ndarray) -> np.ndarray:
        """Weights of a group's observations, given to them in trial-number order."""
        k = len(numbers)
        raw = self._weights(k)
        w = np.asarray(raw, dtype=float) if raw is not None else np.empty(0)
        # The default's weights are valid by construction (the checks cost as much as they).
        if self._weights is not default_weights and not _valid_weights(w, k):
            raise TPEArgumentError(
                f"`weights` of {_OWNER} must return {k} finite non-negative weights, not all "
                f"zero, for weights({k}); got {raw!r}."
            )
        if k < 2 or bool(np.all(numbers[1:] > numbers[:-1])):
            return w  # rows already in number order (the usual case)
        out = np.empty(k)
        out[np.argsort(numbers, kind="stable")] = w
        return out

    @staticmethod
    def _pending_points(ctx: _TrialContext, names: list[str], columns: list[Any]) -> np.ndarray:
        trials = [t for t in ctx.pending if all(name in t._params for name in names)]
        if not trials:
            return np.empty((0, len(names)))
        cols = []
        valid = np.ones(len(trials), dtype=bool)
        for name, column in zip(names, columns, strict=True):
            u, ok = encode_pending(column, name, trials)
            cols.append(u)
            valid &= ok
        return np.column_stack(cols)[valid]

    def __repr__(self) -> str:
        return (
            f"{_OWNER}(n_startup_trials={self._n_startup_trials}, n_ei_candidates="
            f"{self._n_ei_candidates}, multivariate={self._multivariate}, group={self._group}, "
            f"constant_liar={self._constant_liar}, improvement_weights="
            f"{self._improvement_weights}, seed={self._seed})"
        )


def _sorted_positions(
    columns: Sequence[Any], member: np.ndarray, lies: np.ndarray | None
) -> np.ndarray:
    """``(members + lies, numeric columns)``: column ``i`` holds the positions of the member
    rows (in row order, then the lies) sorted by numeric column ``i``'s value, read off the
    columns' incrementally sorted rows instead of sorting the observations again."""
    n = len(member)
    position = np.cumsum(member) - 1
    n_members = int(position[-1]) + 1 if n else 0
    n_lies = len(lies) if lies is not None else 0
    numeric = [j for j, column in enumerate(columns) if column.codec.kind != CATEGORICAL]
    orders = np.empty((n_members + n_lies, len(numeric)), dtype=np.int64)
    for i, j in enumerate(numeric):
        column = columns[j]
        rows = column.order
        if len(rows) > n:  # rows added since this trial's split
            rows = rows[rows < n]
        rows = rows[member.take(rows)]
        pos = position[rows]
        if lies is not None and n_lies:
            values = column.u.view[rows]
            lie_order = np.argsort(lies[:, j], kind="stable")
            at = np.searchsorted(values, lies[lie_order, j], side="right")
            pos = np.insert(pos, at, n_members + lie_order)
        orders[:, i] = pos
    return orders


def _valid_weights(w: np.ndarray, k: int) -> bool:
    return (
        w.shape == (k,)
        and bool(np.all(np.isfinite(w)))
        and not np.any(w < 0)
        and (k == 0 or w.sum() > 0)
    )


class _TypeError(TPEArgumentError, TypeError):
    pass


def _check_count(name: str, value: Any, minimum: int, owner: str = _OWNER) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise _TypeError(f"`{name}` of {owner} must be an int; got {value!r}.")
    if value < minimum:
        raise TPEArgumentError(f"`{name}` of {owner} must be >= {minimum}; got {value!r}.")


def _check_distance_funcs(
    funcs: dict[str, Callable[[Any, Any], float]] | None,
) -> dict[str, Callable[[Any, Any], float]]:
    if funcs is None:
        return {}
    if not isinstance(funcs, dict):
        raise _TypeError(
            f"`categorical_distance_func` of {_OWNER} must be a dict {{param_name: "
            f"function(a, b) -> float}}; got {type(funcs).__name__}."
        )
    for key, func in funcs.items():
        if not isinstance(key, str):
            raise _TypeError(
                f"`categorical_distance_func` of {_OWNER} must be keyed by parameter names "
                f"(str); got key {key!r}."
            )
        if not callable(func):
            raise _TypeError(
                f"`categorical_distance_func[{key!r}]` of {_OWNER} must be a function "
                f"(a, b) -> float; got {func!r}."
            )
    return dict(funcs)


def check_distance_func_targets(
    funcs: dict[str, Callable[[Any, Any], float]], space: dict[str, BaseDistribution]
) -> None:
    """Raise if a distance function names a parameter that is not categorical."""
    for name in funcs:
        dist = space.get(name)
        if dist is not None and not isinstance(dist, CategoricalDistribution):
            raise TPEArgumentError(
                f"`categorical_distance_func` of {_OWNER} has a function for {name!r}, which is "
                f"{dist!r}, not categorical; remove the key or make {name!r} categorical."
            )
