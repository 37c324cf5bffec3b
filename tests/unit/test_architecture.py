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


def _copy_with(tmp_path: Path, leak: str, code: str) -> Path:
    """The project's packages copied beside the project's contracts, with one planted module."""
    for package in ("domain", "store", "messages", "bot", "webhooks", "scheduler", "app"):
        shutil.copytree(ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    (tmp_path / leak).write_text(code, encoding="utf-8")
    return tmp_path


def test_a_framework_import_in_the_domain_breaks_the_contract(tmp_path: Path):
    result = _lint(_copy_with(tmp_path, "domain/leak.py", "import sqlalchemy\n"))
    assert result.returncode != 0
    assert "domain imports only the standard library and itself" in result.stdout
    assert "domain.leak -> sqlalchemy" in result.stdout


def test_a_back_import_of_the_composition_root_breaks_the_layers(tmp_path: Path):
    result = _lint(_copy_with(tmp_path, "bot/leak.py", "from app.bootstrap import Container\n"))
    assert result.returncode != 0
    assert "layers in one direction" in result.stdout
    assert "bot.leak -> app.bootstrap" in result.stdout


def test_the_web_edge_importing_the_scheduler_breaks_the_layers(tmp_path: Path):
    result = _lint(_copy_with(tmp_path, "webhooks/leak.py", "import scheduler.delivery\n"))
    assert result.returncode != 0
    assert "webhooks.leak -> scheduler.delivery" in result.stdout


def test_a_chat_edge_reaching_the_store_breaks_the_contract(tmp_path: Path):
    result = _lint(_copy_with(tmp_path, "bot/leak.py", "from store.uow import SqlUnitOfWork\n"))
    assert result.returncode != 0
    assert "the chat edges reach data only through the domain's ports" in result.stdout
    assert "bot.leak -> store.uow" in result.stdout
