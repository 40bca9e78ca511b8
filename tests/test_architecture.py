"""The layout the README's architecture screen describes, checked: apps import only downwards
(import-linter's contract in ``.importlinter``), and the pure rule modules touch no database."""

import ast
import configparser
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
APPS = [
    "povertyplan",
    "demo",
    "reports",
    "programmes",
    "offline",
    "households",
    "standards",
    "accounts",
    "jobs",
    "common",
]
# Django's app-loading hooks: models can be imported only once the registry is ready, so the imports wait.
LOADING_HOOKS = {"ready", "connect"}
# Plain data in, plain data out: each the one implementation of its rule.
PURE_RULES = [
    "standards/classification.py",
    "standards/explanation_text.py",
    "standards/indicators.py",
    "standards/multidimensional.py",
    "standards/working_age.py",
    "standards/working_days.py",
    "households/aggregates.py",
    "households/bounds.py",
    "households/ongoing.py",
    "households/rates.py",
    "households/registry_rules.py",
    "households/review_outcome.py",
    "households/transitions.py",
    "households/workflow.py",
    "programmes/progress.py",
    "reports/statistics.py",
]
# Django's enumerations give the rules' codes their translated labels; they hold no database access.
LABELS = {"TextChoices", "IntegerChoices"}


def database_imports(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names if alias.name.startswith("django.db")]
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("django.db"):
            names = {alias.name for alias in node.names}
            if node.module != "django.db.models" or not names <= LABELS:
                found.append(f"{node.module}: {', '.join(sorted(names))}")
    return found


@pytest.mark.parametrize("module", PURE_RULES)
def test_a_pure_rule_touches_no_database(module):
    assert database_imports(ROOT / module) == []


def test_the_apps_import_only_downwards():
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint), "--no-cache"], cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_no_upward_import_is_excused():
    config = configparser.ConfigParser()
    config.read(ROOT / ".importlinter")
    assert "ignore_imports" not in config["importlinter:contract:layers"]


def local_imports(path: Path) -> list[str]:
    """Project imports inside functions other than the app-loading hooks: the way round a cycle the layers
    would otherwise show. Imports for type annotations only do not count."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    typing_only = {
        id(node)
        for branch in ast.walk(tree)
        if isinstance(branch, ast.If) and "TYPE_CHECKING" in ast.unparse(branch.test)
        for node in ast.walk(branch)
    }
    found = []
    for function in ast.walk(tree):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef) or function.name in LOADING_HOOKS:
            continue
        for node in ast.walk(function):
            if id(node) in typing_only or not isinstance(node, ast.Import | ast.ImportFrom):
                continue
            module = node.module or "" if isinstance(node, ast.ImportFrom) else node.names[0].name
            if getattr(node, "level", 0) or module.split(".")[0] in APPS:
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} {module}")
    return found


def test_no_function_local_import_dodges_a_cycle():
    sources = [path for app in APPS for path in (ROOT / app).rglob("*.py") if "migrations" not in path.parts]
    assert [found for path in sources for found in local_imports(path)] == []
