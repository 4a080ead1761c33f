"""Number formatting and markdown tables shared by the analysis results."""

from __future__ import annotations

import math
from collections.abc import Sequence

__all__ = ["fmt", "markdown_table"]


def fmt(value: float | None, digits: int = 4) -> str:
    """A number for a table: ``digits`` significant digits, "-" for None, "nan" for NaN.

    Example:
        >>> fmt(0.000123456), fmt(None), fmt(12345.678)
        ('0.0001235', '-', '1.235e+04')
    """
    if value is None:
        return "-"
    if math.isnan(value):
        return "nan"
    return f"{value:.{digits}g}"


def markdown_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A GitHub-flavoured markdown table (pipes in cells escaped).

    Example:
        >>> print(markdown_table(["a", "b"], [["1", "x|y"]]))
        | a | b |
        |---|---|
        | 1 | x\\|y |
    """

    def line(cells: Sequence[str]) -> str:
        return "| " + " | ".join(str(c).replace("|", "\\|") for c in cells) + " |"

    sep = "|" + "|".join("---" for _ in header) + "|"
    return "\n".join([line(header), sep, *(line(r) for r in rows)])
