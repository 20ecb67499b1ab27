"""Docs stay in step with the code: the CLI reference is generated, and the README's commands exist."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_cli_reference_is_current() -> None:
    from chainlink._docs import cli_reference

    current = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    assert current == cli_reference(), "docs/cli.md is stale: run `python -m chainlink._docs > docs/cli.md`"


def test_readme_starts_with_the_two_commands() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = text.split("```")
    assert "chainlink match qingtian" in blocks[1]
    assert "pytest" in blocks[3]
    run = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "python -m pytest" in run and "chainlink build --check" in run


def test_readme_examples_are_one_command_per_line() -> None:
    """Pasted, `a | b` would pipe one command into the next: every example line is one command."""
    import re

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    code = [line for block in text.split("```")[1::2] for line in block.splitlines()]
    piped = [line for line in code if re.search(r"\|\s*chainlink\b", line.split("#")[0])]
    assert not piped, piped
    assert "must be active" in text and ". .venv/bin/activate" in text
