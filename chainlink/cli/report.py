"""``chainlink report``: a self-contained HTML (or Markdown) report per county, pair, or all counties."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from chainlink.cli import app
from chainlink.cli._options import DbOption, LangOption, check_lang, resolve_format
from chainlink.cli._registry import open_registry


@app.command()
def report(
    county: Annotated[
        str | None, typer.Argument(help="County: code, 汉字, pinyin or English name.", metavar="COUNTY")
    ] = None,
    pair: Annotated[
        tuple[str, str] | None,
        typer.Option("--pair", help="A county and one of its partners: --pair COUNTY PARTNER.",
                     metavar="COUNTY PARTNER"),
    ] = None,
    all_: Annotated[
        bool, typer.Option("--all", help="Every county, plus an index page (write into a folder).")
    ] = False,
    fmt: Annotated[
        str | None,
        typer.Option("--format", "-f", help="html (default) or md (Markdown for wikis; follows the --output "
                     "extension when not given).", metavar="FORMAT"),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="File to write (one report), or folder (--all; default "
                     "./chainlink-reports). Default for one report: ./COUNTYCODE.html.", metavar="FILE|DIR"),
    ] = None,
    top: Annotated[int, typer.Option("--top", "-n", help="How many suggestions per page.", min=1,
                                     metavar="N")] = 10,
    lang: LangOption = "zh",
    preset: Annotated[str, typer.Option("--preset", help="Weight preset name or YAML file.",
                                        metavar="NAME|FILE")] = "default",
    no_sample: Annotated[
        bool, typer.Option("--no-sample", help="Leave out sample (synthetic) projects and enterprises.")
    ] = False,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="No progress bar and no summary line (bars show on a terminal only).")
    ] = False,
    db: DbOption = None,
) -> None:
    """A report to hand on: map, chains, ranked suggestions, evaluation, sources — one HTML file each.

    The HTML carries its charts' JavaScript (Apache ECharts) and CSS inline: it opens offline,
    fetches nothing and prints on A4. --all writes one page per county and index.html into a folder.
    """
    from chainlink.errors import UsageError
    from chainlink.report import FORMATS, page_name, run_date, write_reports
    from chainlink.scoring.model import Model
    from chainlink.scoring.presets import load_preset
    from chainlink.store.resolve import Resolver

    lang = check_lang(lang)
    chosen = sum([county is not None, pair is not None, all_])
    if chosen != 1:
        raise UsageError("give one of COUNTY, --pair COUNTY PARTNER or --all")
    # --all writes a folder: its name says nothing about the format
    fmt = resolve_format(fmt, None if all_ else output, allowed=FORMATS, default="html")
    model = Model(open_registry(db), load_preset(preset), include_sample=not no_sample)
    resolver = Resolver.from_registry(model.registry)
    partner_id = None
    if all_:
        codes = [c["code"] for c in model.registry.counties]
        target = output or Path("chainlink-reports")
        if target.exists() and not target.is_dir():
            raise UsageError(f"--output {target}: --all writes a folder; choose a folder name")
    else:
        name = county if county is not None else pair[0]
        codes = [resolver.resolve(name, ("county",)).id]
        if pair is not None:
            partner_id = resolver.resolve(pair[1], ("partner",)).id
            if not any(p["partner_id"] in model.partner_family(partner_id) for p in model.pairings_of(codes[0])):
                raise UsageError(
                    f"{pair[1]} is not paired with {pair[0]} in the registry; see `chainlink pairs {codes[0]}`"
                )
        target = output or Path(page_name(codes[0], partner_id, fmt))
        if target.is_dir():
            target = target / page_name(codes[0], partner_id, fmt)
    from chainlink.cli._progress import progress_bar

    with progress_bar(quiet or not all_, "report") as bar:
        done = []

        def progress(code: str) -> None:
            done.append(code)
            if bar is not None:
                bar(len(done), len(codes), code)

        written = write_reports(model, target, counties=codes, partner=partner_id, index=all_, fmt=fmt,
                                lang=lang, top=top, date=run_date(), progress=progress)
    if not quiet:
        total = sum(w.size for w in written)
        where = target if all_ else written[0].path
        typer.echo(f"wrote {len(written)} file(s), {total / 1e6:.1f} MB: {where}", err=True)
