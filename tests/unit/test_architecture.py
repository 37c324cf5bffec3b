"""The import-linter contracts hold, and they would catch a framework import in domain/."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _lint(cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(cwd), "PATH": str(LINT_IMPORTS.parent)},
        timeout=300,
    )


def test_the_contracts_hold_for_the_project():
    result = _lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_framework_import_in_the_domain_breaks_the_contract(tmp_path: Path):
    for package in ("domain", "store", "messages", "bot", "webhooks", "scheduler", "app"):
        shutil.copytree(ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    leak = tmp_path / "domain" / "leak.py"
    leak.write_text("import sqlalchemy\n", encoding="utf-8")
    result = _lint(tmp_path)
    assert result.returncode != 0
    assert "domain imports only the standard library and itself" in result.stdout
    assert "domain.leak -> sqlalchemy" in result.stdout
