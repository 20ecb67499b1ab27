"""Shared fixtures: a small source tree (real data/ + two tiny chains) and the shipped registry."""

from __future__ import annotations

import atexit
import compileall
import functools
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

# Bytecode. With PYTHONDONTWRITEBYTECODE set (as on the development machine) and a fresh checkout, every
# `python -m chainlink` a test starts would compile what it imports (~0.2 s each), and pytest would rewrite
# the asserts of every test module again in each worker (~3 CPU s per worker). The suite keeps its caches
# instead, as an installed wheel ships its .pyc: imports in this process (and in each xdist worker) write
# __pycache__, pytest's rewritten modules included, and `pytest_configure` byte-compiles the package before
# any subprocess starts. Subprocesses inherit the environment unchanged. The switch comes before importing
# hypothesis: pytest rewrites the asserts of every module of a plugin's distribution too (≈ 90 hypothesis
# modules, ≈ 1 CPU s in each pytest process when they are rewritten afresh).
sys.dont_write_bytecode = False

from hypothesis import settings  # noqa: E402  (after the bytecode switch above)

# Tests never assert wall-clock times: hypothesis's default 200 ms deadline per example is one (it failed
# test_formats.py's CSV round trip on the loaded 2-core machine). Property tests still run every example.
settings.register_profile("chainlink", deadline=None)
settings.load_profile("chainlink")


def _typer_builds_once_per_state() -> None:
    """In-process CLI runs (``tests/_cli.run_cli``, typer's ``CliRunner``, ``chainlink.cli.main``) reuse the
    click command typer builds from :data:`chainlink.cli.app` for as long as no module registers another
    command, instead of building it again for every run.

    A ``chainlink`` process builds it once, from the one command module it imports. A test process ends up
    with every command module imported, and each run then rebuilt all 41 commands twice (the root group and
    the lazy lookup's): ≈ 0.1 CPU s, about 90 % of an in-process run. The command objects are click's, made
    to be invoked many times (each run gets its own context); the key is the registration state of the app
    and its sub-apps, so a module imported later is seen exactly as by a fresh build.
    """
    import typer.main
    import typer.testing

    def state(app: Any) -> tuple[Any, ...]:
        subs = tuple(state(group.typer_instance) for group in app.registered_groups if group.typer_instance)
        return id(app), len(app.registered_commands), id(app.registered_callback), subs

    for name in ("get_command", "get_group"):
        build, built = getattr(typer.main, name), {}

        def once(app: Any, build: Callable[[Any], Any] = build, built: dict[Any, Any] = built) -> Any:
            key = state(app)
            if key not in built:
                built[key] = build(app)
            return built[key]

        setattr(typer.main, name, once)
    typer.testing._get_command = typer.main.get_command  # imported by name there


_typer_builds_once_per_state()


# Tests never read or write the real user registry (~/.local/share/chainlink/user.db): every pytest process
# (the controller and each xdist worker) gets its own, which subprocesses inherit, and removes it when it exits.
USER_FOLDER = tempfile.mkdtemp(prefix="chainlink-test-user-")
os.environ["CHAINLINK_USER_DB"] = str(Path(USER_FOLDER) / "user.db")
atexit.register(shutil.rmtree, USER_FOLDER, ignore_errors=True)

ROOT = Path(__file__).resolve().parent.parent


def pytest_configure(config: pytest.Config) -> None:
    """Byte-compile chainlink/ once per run, in the controller (xdist workers have a ``workerinput``);
    files already compiled are only looked at."""
    if not hasattr(config, "workerinput"):
        compileall.compile_dir(ROOT / "chainlink", quiet=1)
MINI_CHAINS = Path(__file__).resolve().parent / "data" / "mini_chains"
# The real data/edge_evidence_ckg.csv names segments of chains/; the mini tree gets its own.
MINI_CKG = Path(__file__).resolve().parent / "data" / "mini_edge_evidence_ckg.csv"


@pytest.fixture
def mini_root(tmp_path: Path) -> Iterator[Path]:
    """A copy of the project's data/ with two small hand-made chains instead of chains/.

    Loads of the sources in this process during the test (builds, checks, ``tests._data.load``) replay the
    parts whose inputs are those of an earlier load: ``tests._data.replayed_loads``."""
    from tests._data import replayed_loads

    root = tmp_path / "src"
    shutil.copytree(ROOT / "data", root / "data")
    shutil.copytree(MINI_CHAINS, root / "chains")
    shutil.copy(MINI_CKG, root / "data" / "edge_evidence_ckg.csv")
    with replayed_loads():
        yield root


@pytest.fixture
def mini_db(mini_root: Path, shared_mini_db: Path) -> Path:
    """The mini source tree compiled into a registry: a copy of ``shared_mini_db``, compiled once per
    session from the same tree (tests/test_build.py checks that a fresh compile gives the same)."""
    shutil.copyfile(shared_mini_db, mini_root / "registry.db")
    return mini_root / "registry.db"


@pytest.fixture(scope="session")
def real_db() -> Path:
    """The registry shipped at the repository root."""
    return ROOT / "registry.db"


@pytest.fixture(scope="module")
def reg(real_db: Path):
    """The shipped registry, opened read-only once per test module."""
    from chainlink.store.registry import Registry

    return Registry.open(real_db)


def once_per_run(tmp_path_factory: pytest.TempPathFactory, name: str, make: Callable[[Path], None]) -> Path:
    """A folder filled by ``make(folder)`` once per ``pytest`` run: under xdist, by the first worker that
    asks (in the run's shared temporary folder, under a lock: the other workers wait for it, then read the
    same folder); without xdist (or without ``fcntl``), in this process's own temporary folder."""
    try:
        import fcntl
    except ImportError:  # not POSIX: each worker makes its own
        fcntl = None  # type: ignore[assignment]
    if os.environ.get("PYTEST_XDIST_WORKER") is None or fcntl is None:
        folder = tmp_path_factory.mktemp(name)
        make(folder)
        return folder
    run = tmp_path_factory.getbasetemp().parent  # xdist gives each worker a folder in the run's folder
    folder, done = run / name, run / f"{name}.done"
    with open(run / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if not done.exists():
            shutil.rmtree(folder, ignore_errors=True)  # a worker that failed half-way
            folder.mkdir()
            make(folder)
            done.touch()
    return folder


@pytest.fixture(scope="session")
def once(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str, Callable[[Path], None]], Path]:
    """``once(name, make)``: :func:`once_per_run` for a module's own set-up that every xdist worker would
    otherwise repeat (worksteal splits a module between the workers; each sets its module fixtures up)."""
    return functools.partial(once_per_run, tmp_path_factory)


def _compile_mini(folder: Path) -> None:
    from chainlink.store.build import compile_registry

    root = folder / "src"
    shutil.copytree(ROOT / "data", root / "data")
    shutil.copytree(MINI_CHAINS, root / "chains")
    shutil.copy(MINI_CKG, root / "data" / "edge_evidence_ckg.csv")
    compile_registry(root, root / "registry.db")


@pytest.fixture(scope="session")
def shared_mini_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One mini registry for the whole run, compiled once for all xdist workers (read-only users only:
    copy it to change it)."""
    return once_per_run(tmp_path_factory, "shared", _compile_mini) / "src" / "registry.db"


# The report pages that several tests read (tests/test_report.py, tests/test_report_browser.py), written
# once per session by the command line, as a user would: `report --all`, one county, one pair, English,
# Markdown. (Each `report` command runs the leave-one-out backtest, ≈ 2–3 s: the five commands share the
# first one's, as the pages of one `report --all` do; tests/test_report.py renders a page with its own.)
REPORTS = {
    "all": ["report", "--all"],
    "county.html": ["report", "青田"],
    "pair.html": ["report", "--pair", "青田", "宁波经开区"],
    "en.html": ["report", "青田", "--lang", "en"],
    "q.md": ["report", "青田", "--lang", "en"],
}


@pytest.fixture(scope="session")
def report_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with the outputs of :data:`REPORTS` (each checked to exit 0), named by its key."""
    from typer.testing import CliRunner

    import chainlink.scoring.evaluate as evaluation
    from chainlink.cli import app

    real, done = evaluation.evaluate, {}

    def evaluate_once(registry: Any, preset: dict[str, Any] | None = None, **options: Any) -> Any:
        key = repr((str(registry.path), json.dumps(preset, sort_keys=True, default=str), sorted(options.items())))
        if key not in done:
            done[key] = real(registry, preset, **options)
        return done[key]

    out = tmp_path_factory.mktemp("reports")
    runner = CliRunner()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(evaluation, "evaluate", evaluate_once)
        for name, args in REPORTS.items():
            res = runner.invoke(app, [*args, "-o", str(out / name)])
            assert res.exit_code == 0, res.output
    assert len(done) == 1  # one backtest, shared
    return out


# Modules that hold the longest tests (a registry compiled or killed, reports rendered, a wheel built) run
# first, each kept whole (its module fixtures are set up once). `--dist worksteal` (pyproject.toml) gives
# each worker half of this order and lets the one that runs out take half of the other's remaining tail:
# the long tests at the head are never split, the short ones at the tail even the end out. The report
# modules come first and together, so that one worker writes `report_site` for both.
FIRST = ("test_report_browser.py", "test_report.py", "test_wheel.py", "test_wrap.py", "test_robust.py",
         "test_build.py", "test_userdata.py", "test_import_roundtrip.py", "test_fuzz.py")  # fmt: skip


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    rank = {name: i for i, name in enumerate(FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(FIRST)))  # stable: module order kept otherwise
