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
