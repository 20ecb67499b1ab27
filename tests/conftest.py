"""Shared fixtures: a small source tree (real data/ + two tiny chains) and the shipped registry."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import settings

# Tests never assert wall-clock times: hypothesis's default 200 ms deadline per example is one (it failed
# test_formats.py's CSV round trip on the loaded 2-core machine). Property tests still run every example.
settings.register_profile("chainlink", deadline=None)
settings.load_profile("chainlink")

# Tests never read or write the real user registry (~/.local/share/chainlink/user.db): every test
# session gets its own, which subprocesses inherit.
os.environ["CHAINLINK_USER_DB"] = str(Path(tempfile.mkdtemp(prefix="chainlink-test-user-")) / "user.db")

ROOT = Path(__file__).resolve().parent.parent
MINI_CHAINS = Path(__file__).resolve().parent / "data" / "mini_chains"
# The real data/edge_evidence_ckg.csv names segments of chains/; the mini tree gets its own.
MINI_CKG = Path(__file__).resolve().parent / "data" / "mini_edge_evidence_ckg.csv"


@pytest.fixture
def mini_root(tmp_path: Path) -> Path:
    """A copy of the project's data/ with two small hand-made chains instead of chains/."""
    root = tmp_path / "src"
    shutil.copytree(ROOT / "data", root / "data")
    shutil.copytree(MINI_CHAINS, root / "chains")
    shutil.copy(MINI_CKG, root / "data" / "edge_evidence_ckg.csv")
    return root


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


@pytest.fixture(scope="session")
def shared_mini_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One mini registry for the whole session (read-only users only)."""
    from chainlink.store.build import compile_registry

    root = tmp_path_factory.mktemp("shared") / "src"
    shutil.copytree(ROOT / "data", root / "data")
    shutil.copytree(MINI_CHAINS, root / "chains")
    shutil.copy(MINI_CKG, root / "data" / "edge_evidence_ckg.csv")
    compile_registry(root, root / "registry.db")
    return root / "registry.db"


# The report pages that several tests read (tests/test_report.py, tests/test_report_browser.py), written
# once per session by the command line, as a user would: `report --all`, one county, one pair, English,
# Markdown. (Rendering a page runs the leave-one-out backtest: each `report` command costs seconds.)
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

    from chainlink.cli import app

    out = tmp_path_factory.mktemp("reports")
    runner = CliRunner()
    for name, args in REPORTS.items():
        res = runner.invoke(app, [*args, "-o", str(out / name)])
        assert res.exit_code == 0, res.output
    return out


# Modules that hold the longest tests (a registry compiled or killed, reports rendered, a wheel built) run
# first, each kept whole (its module fixtures are set up once): pytest-xdist hands out the tests in this
# order, so the two workers end together instead of one finishing a long test alone. The report modules
# come first and together, so that one worker writes `report_site` for both.
FIRST = ("test_report_browser.py", "test_report.py", "test_wheel.py", "test_wrap.py", "test_robust.py",
         "test_build.py", "test_userdata.py", "test_import_roundtrip.py", "test_fuzz.py")  # fmt: skip


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    rank = {name: i for i, name in enumerate(FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(FIRST)))  # stable: module order kept otherwise
