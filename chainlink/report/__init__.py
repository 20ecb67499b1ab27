"""Reports for people who read pictures: one self-contained HTML page (or Markdown) per county.

- :func:`chainlink.report.data.gather` collects what a page shows (suggestions, chains, firms,
  pairings, backtest, sources, run parameters) through the library;
- :mod:`chainlink.report.html` renders it with Apache ECharts inlined (no network when opened);
- :mod:`chainlink.report.markdown` renders the wiki flavour;
- :func:`write_reports` writes one page, a pair page, or every county plus an index, atomically.

No typer/rich here; the command is :mod:`chainlink.cli.report`.
"""

from __future__ import annotations

import datetime as _dt
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

FORMATS = ("html", "md")


def run_date() -> str:
    """Today's date (ISO), or the date of ``$SOURCE_DATE_EPOCH`` for reproducible builds."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return _dt.datetime.fromtimestamp(int(epoch), _dt.UTC).date().isoformat()
    return _dt.date.today().isoformat()


@dataclass
class Written:
    """One file a report run wrote."""

    path: Path
    kind: str  # county, pair, index
    size: int


def page_name(county_code: str, partner_id: str | None, fmt: str) -> str:
    """File name of a county page (``331121.html``) or a pair page (``331121-ningbo-etdz.html``)."""
    stem = f"{county_code}-{partner_id}" if partner_id else county_code
    return f"{stem}.{fmt}"


def render_page(model: Any, county_code: str, *, partner: str | None = None, fmt: str = "html",
                lang: str = "zh", top: int = 10, date: str = "", cache: dict[str, Any] | None = None,
                index_href: str | None = None) -> str:
    """The text of one report page (county, or county × partner)."""
    from chainlink.report.data import gather

    data = gather(model, county_code, partner=partner, top=top, cache=cache, date=date)
    if fmt == "md":
        from chainlink.report.markdown import render_report_md

        return render_report_md(data, lang, index_href=index_href)
    from chainlink.report.html import render_report

    return render_report(data, lang, index_href=index_href)


def write_reports(
    model: Any,
    target: Path,
    *,
    counties: list[str],
    partner: str | None = None,
    index: bool = False,
    fmt: str = "html",
    lang: str = "zh",
    top: int = 10,
    date: str = "",
    progress: Callable[[str], None] | None = None,
) -> list[Written]:
    """Write report pages: to the file ``target`` (one page), or into the folder ``target``.

    With ``index`` every county in ``counties`` gets a page in ``target`` (a folder) plus
    ``index.<fmt>``. Each file is written atomically. ``progress`` is called with each county code.
    """
    from chainlink.base.output import write_atomic

    written: list[Written] = []
    cache: dict[str, Any] = {}
    if not index:
        text = render_page(model, counties[0], partner=partner, fmt=fmt, lang=lang, top=top, date=date,
                           cache=cache)
        write_atomic(target, text)
        return [Written(target, "pair" if partner else "county", len(text.encode("utf-8")))]
    target.mkdir(parents=True, exist_ok=True)
    pages = {code: page_name(code, None, fmt) for code in counties}
    index_name = f"index.{fmt}"
    for code in counties:
        if progress:
            progress(code)
        text = render_page(model, code, fmt=fmt, lang=lang, top=top, date=date, cache=cache,
                           index_href=index_name)
        path = target / pages[code]
        write_atomic(path, text)
        written.append(Written(path, "county", len(text.encode("utf-8"))))
    from chainlink.report.data import overview

    ov = overview(model, date)
    if fmt == "md":
        from chainlink.report.markdown import render_index_md

        text = render_index_md(ov, pages, lang)
    else:
        from chainlink.report.html import render_index

        text = render_index(ov, pages, lang)
    path = target / index_name
    write_atomic(path, text)
    written.append(Written(path, "index", len(text.encode("utf-8"))))
    return written
