"""Run the doctests of the matching modules (formulas in docstrings are examples that must hold)."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "chainlink.scoring.evaluate",
    "chainlink.scoring.components",
    "chainlink.base.vocabulary",
    "chainlink.scoring.records",
    "chainlink.scoring.model",
    "chainlink.scoring.suggest",
    "chainlink.scoring.explain",
]


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0, f"{name} has no doctests"
    assert result.failed == 0
