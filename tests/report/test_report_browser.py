"""The HTML report in headless Chromium: no JavaScript error, every section, every figure drawn.

Needs Debian's ``chromium`` and ``chromium-driver`` (CI's ``.ci/run`` installs them); without
them these tests fail with a message saying so rather than skip.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from _report_studies import multi_objective_study, single_objective_study

import ridgeline
from ridgeline.report import write_html
from ridgeline.report._html import SECTIONS

pytestmark = pytest.mark.slow

# Collects uncaught errors and rejected promises from the first script of every page on.
ERROR_HOOK = """
window.__reportErrors = [];
window.addEventListener("error", function (e) { window.__reportErrors.push(String(e.message)); });
window.addEventListener("unhandledrejection", function (e) {
  window.__reportErrors.push("unhandled rejection: " + String(e.reason));
});
"""

SECTION_TITLES = {
    "summary": "Summary",
    "best": ("Best trial", "Pareto front"),
    "top": "Top ",
    "importance": "Parameter importances",
    "plots": "Plots",
    "failures": "Failures",
}


def _find(names: list[str]) -> str | None:
    for name in names:
        found = shutil.which(name)
        if found:
            return found
    return None


def start_browser() -> Any:
    """Headless Chromium through selenium, logging the console, with the error hook."""
    chromium = _find(["chromium", "chromium-browser", "google-chrome"])
    chromedriver = _find(["chromedriver"])
    if chromium is None or chromedriver is None:
        pytest.fail(
            "The report's browser tests need headless Chromium and its driver: install "
            "Debian's `chromium` and `chromium-driver` (apt-get install chromium "
            "chromium-driver; .ci/run does this in CI). "
            f"Found chromium={chromium!r}, chromedriver={chromedriver!r}."
        )
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--window-size=1400,2000",
    ):
        options.add_argument(arg)
    options.binary_location = chromium
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    browser = webdriver.Chrome(service=Service(chromedriver), options=options)
    browser.set_page_load_timeout(60)
    browser.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": ERROR_HOOK})
    return browser


@pytest.fixture(scope="module")
def driver() -> Iterator[Any]:
    browser = start_browser()
    try:
        yield browser
    finally:
        browser.quit()


def check_report_in_browser(driver: Any, path: Path, screenshot: Path) -> dict[str, Any]:
    """Open the report at ``path`` and check it; returns what the page showed."""
    from selenium.webdriver.support.ui import WebDriverWait

    page = path.read_text(encoding="utf-8")
    n_figures = len(re.findall(r'<div class="plot" id="[^"]+" data-figure=', page))
    driver.get_log("browser")  # drop what earlier pages logged
    driver.get(path.resolve().as_uri())
    WebDriverWait(driver, 60).until(
        lambda d: (
            d.execute_script("return document.querySelectorAll('.plot-container').length")
            >= n_figures
        )
    )
    state = driver.execute_script(
        """
        const plots = Array.from(document.querySelectorAll("div.plot[data-figure]"));
        return {
          errors: window.__reportErrors || [],
          headings: Array.from(document.querySelectorAll("section > h2"))
            .map((h) => [h.parentElement.id, h.textContent]),
          containers: document.querySelectorAll(".plot-container").length,
          plots: plots.map((div) => ({
            key: div.dataset.figure,
            svgChildren: Array.from(div.querySelectorAll(".main-svg"))
              .reduce((n, svg) => n + svg.childElementCount, 0),
            height: div.getBoundingClientRect().height,
            hasData: Array.isArray(div.data),
          })),
          plotlyLoaded: typeof window.Plotly === "object",
        };
        """
    )
    severe = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
    assert severe == [], severe
    assert state["errors"] == [], state["errors"]
    assert state["plotlyLoaded"]
    assert [h[0] for h in state["headings"]] == list(SECTIONS)
    for section_id, text in state["headings"]:
        expected = SECTION_TITLES[section_id]
        assert text.startswith(expected), (section_id, text)
    assert len(state["plots"]) == n_figures
    assert state["containers"] == n_figures
    for plot in state["plots"]:
        assert plot["hasData"], plot
        assert plot["svgChildren"] > 0, plot
        assert plot["height"] > 100, plot
    assert driver.save_screenshot(str(screenshot))
    assert screenshot.stat().st_size > 20_000
    return state


def test_single_objective_report_in_browser(driver: Any, tmp_path: Path) -> None:
    path = write_html(single_objective_study(), tmp_path / "single.html")
    state = check_report_in_browser(driver, path, tmp_path / "single.png")
    keys = {p["key"] for p in state["plots"]}
    assert {"optimization_history", "slice", "intermediate_values", "timeline"} <= keys


def test_multi_objective_report_in_browser(driver: Any, tmp_path: Path) -> None:
    path = write_html(multi_objective_study(), tmp_path / "multi.html")
    state = check_report_in_browser(driver, path, tmp_path / "multi.png")
    keys = {p["key"] for p in state["plots"]}
    assert {"pareto_front", "hypervolume_history", "optimization_history_1"} <= keys


def test_empty_study_report_in_browser(driver: Any, tmp_path: Path) -> None:
    path = write_html(ridgeline.create_study(study_name="empty"), tmp_path / "empty.html")
    check_report_in_browser(driver, path, tmp_path / "empty.png")


def test_demo_report_in_browser(driver: Any, tmp_path: Path) -> None:
    """The report that `make demo`'s script writes (a short run of it)."""
    pytest.importorskip("sklearn")
    demo = Path(__file__).resolve().parents[2] / "examples" / "demo.py"
    args = ["--n-trials", "2", "--storage", f"sqlite:///{tmp_path / 'demo.db'}"]
    done = subprocess.run(
        [sys.executable, str(demo), *args, "--report-dir", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    check_report_in_browser(driver, tmp_path / "demo_report.html", tmp_path / "demo.png")


def open_report(path: str) -> None:
    """Check one report file by hand: ``python tests/report/test_report_browser.py FILE``."""
    browser = start_browser()
    try:
        state = check_report_in_browser(browser, Path(path), Path(path).with_suffix(".png"))
    finally:
        browser.quit()
    headings = [h[1] for h in state["headings"]]
    print(f"OK: {len(state['plots'])} figures drawn; sections {headings}")


if __name__ == "__main__":
    open_report(sys.argv[1])
