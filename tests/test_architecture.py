"""The layout the README's architecture screen describes, checked: apps import only downwards
(import-linter's contract in ``.importlinter``), and the pure rule modules touch no database."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# Plain data in, plain data out: each the one implementation of its rule.
PURE_RULES = [
    "standards/classification.py",
    "standards/indicators.py",
    "standards/multidimensional.py",
    "standards/working_age.py",
    "standards/working_days.py",
    "households/bounds.py",
    "households/ongoing.py",
    "households/registry_rules.py",
    "households/transitions.py",
    "households/workflow.py",
    "programmes/progress.py",
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
