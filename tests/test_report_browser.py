"""Each report kind opened in a real browser (headless Chromium), with the network off.

Fails on any console error, uncaught exception, failed load or request that leaves the file.
Skips only when Chromium is absent and CI is not set; in CI (CI=true) Chromium must be there
(.ci/run installs Debian's chromium).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from chromium import Browser, find_chromium, render

CHROMIUM = find_chromium()
if CHROMIUM is None:
    if os.environ.get("CI"):
        raise RuntimeError("CI is set but chromium is missing: .ci/run installs Debian's chromium")
    pytest.skip("chromium not installed (apt-get install chromium); CI runs this test", allow_module_level=True)


@pytest.fixture(scope="module")
def site(report_site: Path) -> Path:
    """The pages written by `report --all`, `report 青田` (zh, en) and `report --pair` (tests/conftest.py)."""
    return report_site


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """One Chromium for the module's pages (each in its own browser context and tab)."""
    with Browser() as chromium:
        yield chromium


@pytest.mark.parametrize(
    ("page", "charts"),
    [("county.html", 4), ("pair.html", 4), ("en.html", 4), ("all/index.html", 1), ("all/330127.html", 3)],
)
def test_report_renders_without_errors_or_requests(site: Path, browser: Browser, page: str, charts: int) -> None:
    png = site / (page.replace("/", "_") + ".png")
    result = render(site / page, png, browser=browser)
    assert result.errors == []
    assert result.requests == []
    assert result.charts >= charts
    assert png.stat().st_size > 20_000 and result.height > 1000
    assert result.width <= 760  # the viewport (chromium.render): no table or chart wider than the page


def test_the_check_can_fail(tmp_path: Path, browser: Browser) -> None:
    page = tmp_path / "bad.html"
    page.write_text(
        '<!DOCTYPE html><html><body><img src="http://example.invalid/x.png">'
        "<script>console.error('boom')</script></body></html>",
        encoding="utf-8",
    )
    result = render(page, browser=browser)  # the same browser as the pages above: its check can fail
    assert any("boom" in e for e in result.errors)
    assert result.requests == ["http://example.invalid/x.png"]
