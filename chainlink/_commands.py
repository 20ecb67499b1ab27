"""The top-level commands as data, and ``chainlink --help`` rendered without importing typer.

:data:`COMMANDS` names every top-level command, the module under ``chainlink.cli`` that defines it
and its summary (its help up to the end of the first sentence), in the order ``--help`` lists them.
:mod:`chainlink.cli._lazy` imports a command's module only when it runs; :func:`fast_help` prints
the root ``--help`` from this table alone (what click would print, at the usual widths), so that
``chainlink --help`` starts no faster than Python plus this module. tests/test_cli_lazy.py checks
both against the real commands and click's own rendering.

To add a command module: write it as the others (``from chainlink.cli import app`` and
``@app.command()`` or ``app.add_typer(...)``), then add its commands here.
"""

from __future__ import annotations

import sys

ROOT_HELP = (
    "Industrial-chain matching for Zhejiang's 26 mountain counties and their paired zones "
    "(山海协作 · 产业链“双链长制”)."
)
ROOT_OPTIONS = [
    ("--version", "Show the version and exit."),
    ("--install-completion", "Install completion for the current shell."),
    ("--show-completion", "Show completion for the current shell, to copy it or customize the installation."),
    ("-h, --help", "Show this message and exit."),
]

# name → (module under chainlink.cli, summary: the command's help up to the end of its first sentence)
COMMANDS: dict[str, tuple[str, str]] = {
    "allocate": (
        "allocate",
        "Assign overflow projects to mountain-county platforms and enclaves, maximising the total match score.",
    ),
    "diff": (
        "allocate",
        "What changed between two allocation runs: moved, newly assigned and dropped projects, score "
        "changes, capacity and parameter changes.",
    ),
    "explain": (
        "allocate",
        "Take one (project, county) score apart: each component with its value, weight and contribution "
        "and the data behind it (the chain path upstream→downstream, IO edge weights and their source, IO "
        "relatedness, density, the pairing and its source), the eligibility rules, and with --run the "
        "binding constraints and why each higher-scoring destination was not chosen.",
    ),
    "counties": (
        "browse",
        "The 26 mountain counties with their pairings and characteristic industries counted.",
    ),
    "pairs": (
        "browse",
        "Pairings between mountain counties and partner districts or zones, with their sources.",
    ),
    "browse": ("browse", "Explore the registry in Datasette: linked tables, name search, saved queries."),
    "build": ("build", "Validate data/*.csv and chains/*.yaml and compile them into registry.db."),
    "doctor": (
        "doctor",
        "Check the registry: integrity, schema version, user tables, foreign keys, orphan rows, staleness.",
    ),
    "migrate": (
        "doctor",
        "Migrate the registry to this chainlink's schema version, in one transaction (keeps imported data).",
    ),
    "evaluate": (
        "evaluate",
        "Leave-one-out backtest: replay every sourced real project or transfer in the registry.",
    ),
    "match": (
        "match",
        "Ranked suggestions of what a county's paired partners can transfer or co-introduce.",
    ),
    "export": (
        "match",
        "The suggestion list for all 26 counties (or those named): one row per (county, rank).",
    ),
    "opportunities": (
        "geography",
        "Industries (IO sectors) the county does not hold, ranked by relatedness density, complexity and gain.",
    ),
    "gaps": (
        "geography",
        "The county's chain gaps: 补链 missing upstream links, 延链 downstream extensions, 强链 thin held "
        "segments.",
    ),
    "imported": ("importer", "The rows imported so far (or the import log), ordered by id."),
    "sources": (
        "sources",
        "Every source cited in data/ and chains/ (data/sources.csv): what it supports, its licence, and how "
        "many rows of each table cite it.",
    ),
    "chains": ("chains", "Industrial chains: list them, show one as a tree."),
    "county": ("county", "One mountain county: every fact with its source and confidence."),
    "zone": ("county", "One partner district, development zone or platform: every fact with its source."),
    "enterprises": (
        "enterprises",
        "Real firms on the chains (listed companies, firms pages name), sample firms, imported firms.",
    ),
    "import": (
        "importer",
        "Import enterprise or project lists, county industries or pairings (CSV, TSV, xlsx, JSON, NDJSON) "
        "into the registry's user tables.",
    ),
    "industries": (
        "industries",
        "GB/T 4754-2017 industry classification (国民经济行业分类): search it, show one code.",
    ),
    "io": (
        "io",
        "National input–output linkages (NBS tables 2017, 2018, 2020): key sectors, suppliers, customers.",
    ),
    "metrics": (
        "metrics",
        "Economic-geography metrics for any long table (time, location, product, value): RCA, presence, "
        "proximity and relatedness, density, ECI/PCI, COI/COG — a drop-in for py-ecomplexity.",
    ),
    "report": (
        "report",
        "A report to hand on: map, chains, ranked suggestions, evaluation, sources — one HTML file each.",
    ),
}


def _wrap(text: str, width: int, indent: str = "") -> list[str]:
    """Lines of ``text`` wrapped as click wraps one paragraph (words longer than a line are cut)."""
    import textwrap

    class _Wrapper(textwrap.TextWrapper):
        def _handle_long_word(self, chunks, cur_line, cur_len, width):  # type: ignore[no-untyped-def]
            space = max(width - cur_len, 1)
            cur_line.append(chunks[-1][:space])
            chunks[-1] = chunks[-1][space:]

    wrapper = _Wrapper(width, initial_indent=indent, subsequent_indent=indent, replace_whitespace=False)
    return wrapper.fill(text.expandtabs()).splitlines()


def _short(summary: str, limit: int) -> str:
    """``summary`` cut to ``limit`` characters as click cuts a command's short help."""
    words = summary.split()
    total, last = 0, len(words) - 1
    for i, word in enumerate(words):
        total += len(word) + (i > 0)
        if total > limit:
            break
        if word[-1] == ".":
            return " ".join(words[: i + 1])
        if total == limit and i != last:
            break
    else:
        return " ".join(words)
    total += 3
    while i > 0:
        total -= len(words[i]) + (i > 0)
        if total <= limit:
            break
        i -= 1
    return " ".join(words[:i]) + "..."


def _rows(rows: list[tuple[str, str]], width: int) -> list[str]:
    """A definition list indented by two, as click's ``write_dl`` writes it."""
    first = min(max(len(name) for name, _ in rows), 30) + 2
    text_width = max(width - first - 2, 10)
    out = []
    for name, text in rows:
        lines = _wrap(text, text_width)
        if len(name) <= first - 2:
            out.append(f"  {name}{' ' * (first - len(name))}{lines[0]}")
        else:
            out += [f"  {name}", f"{' ' * (first + 2)}{lines[0]}"]
        out += [f"{' ' * (first + 2)}{line}" for line in lines[1:]]
    return out


def root_help(width: int) -> str:
    """``chainlink --help`` as click prints it with a help width of ``width`` characters."""
    names = list(COMMANDS)
    limit = width - 6 - max(len(n) for n in names)
    lines = ["Usage: chainlink [OPTIONS] COMMAND [ARGS]...", ""]
    lines += _wrap(ROOT_HELP, width, "  ")
    lines += ["", "Options:", *_rows(ROOT_OPTIONS, width), "", "Commands:"]
    lines += _rows([(n, _short(COMMANDS[n][1], limit)) for n in names], width)
    return "\n".join(lines) + "\n"


def fast_help(argv: list[str]) -> bool:
    """Print the root help and return True if ``argv`` asks only for it; else False (run the CLI)."""
    if argv not in (["--help"], ["-h"]):
        return False
    import shutil

    width = max(min(shutil.get_terminal_size().columns, 80) - 2, 50)
    sys.stdout.write(root_help(width))
    sys.stdout.flush()
    return True
