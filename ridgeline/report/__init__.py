"""Reports of a study: one self-contained HTML page (:func:`write_html`, needs plotly) and a
JSON summary of the result and configuration (:func:`write_json_summary`)."""

from ridgeline.report._data import ReportError
from ridgeline.report._html import write_html
from ridgeline.report._json import write_json_summary

__all__ = ["ReportError", "write_html", "write_json_summary"]
