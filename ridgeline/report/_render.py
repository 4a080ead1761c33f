"""Small HTML building blocks for the report; every user string goes through :func:`esc`."""

from __future__ import annotations

import datetime
import html
import json
import math
from collections.abc import Iterable, Sequence
from typing import Any

__all__ = [
    "CSS",
    "LOADER_JS",
    "esc",
    "figure_json",
    "fmt_datetime",
    "fmt_duration",
    "fmt_value",
    "key_values",
    "message",
    "plot_div",
    "section",
    "table",
]

CSS = """
:root { --fg: #1f2933; --muted: #616e7c; --line: #d9e2ec; --accent: #2f6fb2; --bg: #f5f7fa; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--fg); background: #fff; line-height: 1.45;
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
header { background: var(--bg); border-bottom: 1px solid var(--line); padding: 1rem 2rem; }
header h1 { margin: 0 0 .25rem; font-size: 1.5rem; }
header p { margin: 0; color: var(--muted); }
nav { padding: .5rem 2rem; border-bottom: 1px solid var(--line); }
nav a { color: var(--accent); margin-right: 1rem; text-decoration: none; }
main { max-width: 1200px; padding: 0 2rem 3rem; }
section { margin-top: 2rem; }
h2 { font-size: 1.25rem; border-bottom: 2px solid var(--line); padding-bottom: .25rem; }
h3 { font-size: 1rem; margin: 1.5rem 0 .5rem; }
table { border-collapse: collapse; margin: .5rem 0; font-variant-numeric: tabular-nums; }
th, td { border: 1px solid var(--line); padding: .25rem .6rem; text-align: left;
  vertical-align: top; }
th { background: var(--bg); font-weight: 600; }
td.num { text-align: right; }
.kv th { width: 14rem; }
.scroll { overflow-x: auto; }
.message { color: var(--muted); font-style: italic; margin: .5rem 0; }
.note { color: var(--muted); font-size: .85rem; margin: .25rem 0; }
.plot { min-height: 420px; border: 1px solid var(--line); border-radius: 4px; }
pre { background: var(--bg); border: 1px solid var(--line); padding: .5rem; overflow-x: auto;
  font-size: .8rem; }
details { margin: .5rem 0; }
summary { cursor: pointer; }
code { font-size: .9em; }
"""

# Draws every figure whose JSON sits in <script type="application/json" id="{div id}-data">;
# a figure that fails shows its error in place (and on the console) instead of stopping the
# others.
LOADER_JS = """
(function () {
  document.querySelectorAll("div.plot[data-figure]").forEach(function (div) {
    try {
      var spec = JSON.parse(document.getElementById(div.id + "-data").textContent);
      var config = {responsive: true, displaylogo: false};
      Plotly.newPlot(div, spec.data || [], spec.layout || {}, config);
    } catch (e) {
      console.error("ridgeline report: figure " + div.id + " failed: " + e);
      div.textContent = "This figure could not be drawn: " + e;
    }
  });
})();
"""


def esc(value: Any) -> str:
    """HTML-escaped ``str(value)`` (quotes included, so it is safe in attributes too).

    Example:
        >>> esc("<script>alert('x')</script>")
        '&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;'
    """
    return html.escape(str(value), quote=True)


def fmt_value(value: Any) -> str:
    """A parameter or objective value as short text: floats to 6 significant digits.

    Example:
        >>> fmt_value(0.123456789), fmt_value(3), fmt_value(None), fmt_value(float("inf"))
        ('0.123457', '3', 'None', 'inf')
    """
    if isinstance(value, float) and math.isfinite(value):
        return f"{value:.6g}"
    return str(value)


def fmt_duration(value: datetime.timedelta | None) -> str:
    """Seconds below a minute, else h/min/s.

    Example:
        >>> fmt_duration(datetime.timedelta(seconds=1.234)), fmt_duration(None)
        ('1.23 s', '-')
        >>> fmt_duration(datetime.timedelta(seconds=3725))
        '1 h 2 min 5 s'
    """
    if value is None:
        return "-"
    seconds = value.total_seconds()
    if seconds < 60:
        return f"{seconds:.3g} s"
    minutes, sec = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    parts = [f"{hours} h"] if hours else []
    return " ".join([*parts, f"{minutes} min", f"{sec} s"])


def fmt_datetime(value: datetime.datetime | None) -> str:
    return "-" if value is None else value.isoformat(sep=" ", timespec="seconds")


def message(text: str) -> str:
    return f'<p class="message">{esc(text)}</p>'


def table(
    headers: Sequence[str], rows: Iterable[Sequence[Any]], *, numeric: Sequence[int] = ()
) -> str:
    """A table; cells are escaped, columns listed in ``numeric`` are right-aligned."""
    head = "".join(f"<th>{esc(h)}</th>" for h in headers)
    body = []
    for row in rows:
        cells = "".join(
            f'<td class="num">{esc(c)}</td>' if i in numeric else f"<td>{esc(c)}</td>"
            for i, c in enumerate(row)
        )
        body.append(f"<tr>{cells}</tr>")
    return (
        f'<div class="scroll"><table><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table></div>"
    )


def key_values(rows: Iterable[tuple[str, Any]]) -> str:
    body = "".join(f"<tr><th>{esc(k)}</th><td>{esc(v)}</td></tr>" for k, v in rows)
    return f'<table class="kv"><tbody>{body}</tbody></table>'


def section(section_id: str, title: str, body: str) -> str:
    return (
        f'<section id="{esc(section_id)}" data-section="{esc(section_id)}">'
        f"<h2>{esc(title)}</h2>{body}</section>"
    )


def figure_json(figure: Any) -> str:
    """The figure as JSON safe inside a <script> element: ``<``, ``>`` and ``&`` (which JSON
    text holds only inside strings) become ``\\u`` escapes, so no ``</script>`` can appear.

    Example:
        >>> figure_json({"layout": {"title": "</script>&"}})
        '{"layout": {"title": "\\\\u003c/script\\\\u003e\\\\u0026"}}'
    """
    text = figure.to_json() if hasattr(figure, "to_json") else json.dumps(figure)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def plot_div(div_id: str, key: str, figure: Any) -> str:
    return (
        f'<div class="plot" id="{esc(div_id)}" data-figure="{esc(key)}"></div>'
        f'<script type="application/json" id="{esc(div_id)}-data">{figure_json(figure)}</script>'
    )
