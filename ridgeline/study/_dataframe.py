from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ridgeline._imports import require
from ridgeline.exceptions import RidgelineError

if TYPE_CHECKING:
    import pandas as pd

    from ridgeline.study._study import Study

__all__ = ["trials_dataframe"]

_KNOWN_ATTRS = (
    "number",
    "value",
    "values",
    "datetime_start",
    "datetime_complete",
    "duration",
    "params",
    "user_attrs",
    "system_attrs",
    "state",
    "intermediate_values",
)


class _AttrsError(RidgelineError, ValueError):
    pass


def trials_dataframe(study: Study, attrs: tuple[str, ...], multi_index: bool) -> pd.DataFrame:
    pd = require("pandas", "pandas")
    for a in attrs:
        if a not in _KNOWN_ATTRS:
            raise _AttrsError(
                f"`attrs` of trials_dataframe must hold names from {list(_KNOWN_ATTRS)}; got {a!r}."
            )
    n_obj = len(study.directions)
    names = study.metric_names
    labels = names if names is not None else [str(i) for i in range(n_obj)]
    rows: list[dict[tuple[str, str], Any]] = []
    for t in study.get_trials():
        row: dict[tuple[str, str], Any] = {}
        for a in attrs:
            if a in ("value", "values"):
                vals = t._values
                if n_obj == 1 and names is None:
                    row[("value", "")] = None if vals is None else vals[0]
                else:  # "values_0", ... or by metric name: "values_accuracy", ...
                    for i, label in enumerate(labels):
                        row[("values", label)] = None if vals is None else vals[i]
            elif a == "state":
                row[("state", "")] = t.state.name
            elif a in ("params", "user_attrs", "system_attrs", "intermediate_values"):
                for k, v in getattr(t, "_" + a).items():
                    row[(a, str(k))] = v
            elif a == "duration":
                row[("duration", "")] = t.duration
            else:
                row[(a, "")] = getattr(t, a)
        rows.append(row)

    columns: list[tuple[str, str]] = []
    seen: set[tuple[str, str]] = set()
    for row in rows:
        for key in row:
            if key not in seen:
                seen.add(key)
                columns.append(key)
    order = {a: i for i, a in enumerate(attrs)}
    order.setdefault("values", order.get("value", 0))
    position = {label: f"{i:09d}" for i, label in enumerate(labels)}
    columns.sort(key=lambda c: (order.get(c[0], 0), c[1] if c[0] != "values" else position[c[1]]))
    if not rows:
        return pd.DataFrame()
    df = pd.DataFrame(rows, columns=pd.MultiIndex.from_tuples(columns))
    if multi_index:
        return df
    df.columns = ["_".join(filter(None, c)) for c in columns]
    return df
