"""The layout the README describes: one module per job in reporting/, and one-way app dependencies."""
import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODULE_MAX_LINES = 520  # "about 500": a module past it has more than one job


def python_files(app: str):
    return [path for path in (ROOT / app).rglob("*.py") if "migrations" not in path.parts]


def imported_modules(path: Path) -> set[str]:
    modules = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            modules |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules.add(node.module)
    return modules


def test_no_module_of_reporting_is_longer_than_about_500_lines():
    long = {
        str(path.relative_to(ROOT)): len(path.read_text(encoding="utf-8").splitlines())
        for path in python_files("reporting")
    }
    too_long = {name: lines for name, lines in long.items() if lines > MODULE_MAX_LINES}
    assert too_long == {}


def test_conservation_units_does_not_import_actionplans():
    # actionplans builds on countries and units; the link back is the unit's relation to its plan only.
    importing = [
        str(path.relative_to(ROOT)) for path in python_files("conservation_units")
        if any(module.split(".")[0] == "actionplans" for module in imported_modules(path))
    ]
    assert importing == []


def test_every_filterset_of_reporting_is_in_its_filtersets_module():
    elsewhere = []
    for path in python_files("reporting"):
        if path.name == "filtersets.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef) and node.name.endswith("FilterSet"):
                elsewhere.append(f"{path.relative_to(ROOT)}: {node.name}")
    assert elsewhere == []
