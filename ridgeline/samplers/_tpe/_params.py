"""Estimator settings passed from TPESampler to its Parzen estimators."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = ["ParzenParams"]


class ParzenParams:
    """The estimator settings the sampler passes down (see TPESampler's arguments)."""

    __slots__ = (
        "consider_endpoints",
        "consider_magic_clip",
        "consider_prior",
        "distance_funcs",
        "multivariate",
        "prior_weight",
    )

    def __init__(
        self,
        *,
        consider_prior: bool,
        prior_weight: float,
        consider_magic_clip: bool,
        consider_endpoints: bool,
        multivariate: bool,
        distance_funcs: dict[str, Callable[[Any, Any], float]],
    ) -> None:
        self.consider_prior = consider_prior
        self.prior_weight = prior_weight
        self.consider_magic_clip = consider_magic_clip
        self.consider_endpoints = consider_endpoints
        self.multivariate = multivariate
        self.distance_funcs = distance_funcs
