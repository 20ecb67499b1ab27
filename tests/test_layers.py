"""The package layout is the data flow: a module imports only from its own layer and the layers below it.

Every ``import`` in ``chainlink/`` is read with :mod:`ast` — the lazy ones inside functions included — and
checked against the layer table of docs/architecture.md. The few upward imports that exist on purpose are
listed in :data:`UPWARD` with their reason; a new one fails the test until it is moved or documented there.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "chainlink"

# package (first name under chainlink) -> layer; the order of the data flow
LAYERS = {
    "errors": 0, "base": 0, "inputoutput": 0, "metrics": 0,
    "sources": 1,
    "store": 2, "imports": 2,
    "network": 3,
    "scoring": 4,
    "outputs": 5, "report": 5, "allocate": 5, "plan": 5, "api": 5,
    "cli": 6, "_commands": 6, "_docs": 6, "__main__": 6,
}  # fmt: skip

# (importer, imported): why the import goes upwards (each is inside a function)
UPWARD = {
    ("chainlink.base.industries", "chainlink.store.registry"): "code look-ups open the default registry when none is given",
    ("chainlink.base.industries", "chainlink.store.resolve"): "industry names resolve through the registry's names",
    ("chainlink.base.output", "chainlink.store.registry"): "check_output asks which registry files to protect",
    ("chainlink.store.build", "chainlink.network.evidence"): "build compiles the edge evidence into the registry",
    ("chainlink.store.build", "chainlink.outputs.datasette"): "build adds the Datasette metadata to what it wrote",
}  # fmt: skip


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def layer_of(module: str) -> int:
    parts = module.split(".")
    if len(parts) == 1:
        return 5  # the package itself: chainlink.__all__ loads api on first use
    return LAYERS[parts[1]]


def imports_of(path: Path) -> list[tuple[str, int]]:
    """Every chainlink module ``path`` imports (``from chainlink import x`` counts as chainlink.x)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "chainlink":
                found += [
                    (f"chainlink.{alias.name}", node.lineno) for alias in node.names if alias.name != "__version__"
                ]
            else:
                found.append((node.module, node.lineno))
    return [(name, line) for name, line in found if name == "chainlink" or name.startswith("chainlink.")]


MODULES = sorted(PACKAGE.rglob("*.py"))


def test_the_layer_table_covers_every_package() -> None:
    tops = {p.name if p.is_dir() else p.stem for p in PACKAGE.iterdir() if p.suffix == ".py" or (p / "__init__.py").exists()}
    assert tops - {"__init__"} == set(LAYERS)


def test_the_top_level_is_packages_not_a_flat_list() -> None:
    flat = sorted(p.stem for p in PACKAGE.glob("*.py"))
    assert flat == ["__init__", "__main__", "_commands", "_docs", "api", "errors"]


@pytest.mark.parametrize("path", MODULES, ids=lambda p: module_name(p))
def test_imports_go_down_the_data_flow(path: Path) -> None:
    me = module_name(path)
    upward = [
        f"{path.relative_to(ROOT)}:{line}: {me} (layer {layer_of(me)}) imports {name} (layer {layer_of(name)})"
        for name, line in imports_of(path)
        if layer_of(name) > layer_of(me) and (me, name) not in UPWARD
    ]
    assert upward == []


def test_the_documented_exceptions_still_exist() -> None:
    """An entry of UPWARD that no longer happens is removed, so the list stays the truth."""
    seen = {(module_name(p), name) for p in MODULES for name, _ in imports_of(p)}
    assert set(UPWARD) <= seen


def test_the_checker_sees_a_lazy_upward_import(tmp_path: Path) -> None:
    """The test can fail: an import inside a function, upwards, is found."""
    fake = tmp_path / "x.py"
    fake.write_text("def f():\n    from chainlink.scoring.model import Model\n", encoding="utf-8")
    assert imports_of(fake) == [("chainlink.scoring.model", 2)]
    assert layer_of("chainlink.scoring.model") > layer_of("chainlink.store.registry")


def test_architecture_doc_lists_the_same_layers() -> None:
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    table = text.split("## Layers", 1)[1].split("\n## ", 1)[0]
    for name, layer in LAYERS.items():
        row = next((r for r in table.splitlines() if re.match(rf"\| {layer} ", r)), "")
        assert f"`{name}" in row, f"docs/architecture.md: layer {layer} row does not name {name}"


def _modules_of(package: str) -> set[str]:
    """The public modules of ``chainlink/<package>/`` (not ``__init__``, not ``_private``)."""
    return {p.stem for p in (PACKAGE / package).glob("*.py") if not p.stem.startswith("_")}


def test_architecture_module_map_names_every_module() -> None:
    """Where the module map of docs/architecture.md lists a package's modules one per line, it lists every
    module of it and no module that is gone (a split or a rename that forgets the map fails here)."""
    block = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8").split("```")[1]
    sections: dict[str, list[str]] = {}
    current = None
    for line in block.splitlines():
        if m := re.match(r"^  (\w+)/\s", line):
            current = m.group(1)
            sections[current] = []
        elif re.match(r"^  \S", line):
            current = None
        elif current and line.startswith("    "):
            sections[current].append(line)
    checked = 0
    for package, lines in sections.items():
        listed = {m.group(1) for line in lines if (m := re.match(r"^    (\w+)\s{2,}", line))}
        if not listed:
            continue  # a package described in one line
        checked += 1
        words = set(re.findall(r"\w+", "\n".join(lines)))
        assert listed <= _modules_of(package), f"docs/architecture.md lists gone modules of {package}/"
        assert _modules_of(package) <= words, f"docs/architecture.md does not name every module of {package}/"
    assert checked >= 5  # base, store, network, scoring, outputs


def test_layer_table_lists_each_package_s_modules() -> None:
    """A row of the layer table that lists a package's modules by name lists exactly its modules."""
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    table = text.split("## Layers", 1)[1].split("\n## ", 1)[0]
    checked = 0
    for package, inside in re.findall(r"`(\w+)/` \(([^)]*)\)", table):
        names = [n.strip() for n in inside.split(",")]
        if all(n.isidentifier() for n in names):
            checked += 1
            assert set(names) == _modules_of(package), f"docs/architecture.md layer table: {package}/"
    assert checked >= 5
