"""`loyalty serve` as an operator runs it: no configuration at all, and bad configuration."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

LOYALTY = Path(sys.executable).with_name("loyalty")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG", "PYTHONPATH"}}
    env.update(extra)
    return env


def test_serve_starts_with_no_configuration_on_sqlite(tmp_path: Path):
    port = _free_port()
    proc = subprocess.Popen(
        [str(LOYALTY), "serve", "--port", str(port)],
        cwd=tmp_path,
        env=_clean_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                health = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
                break
            except httpx.TransportError:
                assert proc.poll() is None, proc.stdout.read() if proc.stdout else ""
                assert time.monotonic() < deadline, "server did not come up"
                time.sleep(0.2)
        assert health.json() == {"status": "ok", "database": "ok"}
        assert httpx.get(f"http://127.0.0.1:{port}/docs").status_code == 200
        assert "openapi" in httpx.get(f"http://127.0.0.1:{port}/openapi.json").text
        assert "python_info" in httpx.get(f"http://127.0.0.1:{port}/metrics").text
        assert (tmp_path / "loyalty.db").exists()
    finally:
        proc.send_signal(signal.SIGINT)
        output = proc.communicate(timeout=20)[0]
    assert "Traceback" not in output, output  # a clean shutdown, pool closed inside it
    assert "Telegram bot is off: TELEGRAM_BOT_TOKEN is not set" in output
    assert "WhatsApp is off" in output
    assert "/api/v1 refuses every call: ADMIN_API_TOKEN is not set" in output


@pytest.mark.parametrize(
    ("env", "says"),
    [
        ({"TIMEZONE": "Mars/Olympus"}, "TIMEZONE: Value error, unknown time zone"),
        ({"DATABASE_URL": "mysql://nope"}, "DATABASE_URL"),
        ({"DATABASE_URL": "postgresql+asyncpg://nobody@127.0.0.1:1/none"}, "DATABASE_URL: cannot use"),
        ({"DATABASE_URL": "sqlite+aiosqlite:////no/such/dir/x.db"}, "DATABASE_URL: cannot use"),
        ({"REPAIR_WEBHOOK_SECRET": "whsec_not*base64!"}, "REPAIR_WEBHOOK_SECRET: Value error, after whsec_"),
        ({"REPAIR_WEBHOOK_SECRET": "whsec_c2hvcnQ="}, "REPAIR_WEBHOOK_SECRET: Value error, the key after"),
    ],
)
def test_serve_refuses_a_bad_value_naming_the_variable(tmp_path: Path, env: dict[str, str], says: str):
    result = subprocess.run(
        [str(LOYALTY), "serve", "--port", str(_free_port())],
        cwd=tmp_path,
        env=_clean_env(**env),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert says in result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) <= 4


def test_migrate_names_a_database_it_cannot_reach(tmp_path: Path):
    env = _clean_env(DATABASE_URL="postgresql+asyncpg://nobody@127.0.0.1:1/none")
    result = subprocess.run(
        [str(LOYALTY), "migrate"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2
    assert "DATABASE_URL: cannot use the database" in result.stderr and "Traceback" not in result.stderr


def test_serve_refuses_a_bad_rules_file_naming_the_key(tmp_path: Path):
    rules = tmp_path / "rules.toml"
    default = (Path(__file__).resolve().parents[2] / "app" / "program_rules.toml").read_text(encoding="utf-8")
    rules.write_text(default.replace("[welcome]\npoints = 200", "[welcome]\npoints = -1"), encoding="utf-8")
    result = subprocess.run(
        [str(LOYALTY), "serve", "--port", str(_free_port())],
        cwd=tmp_path,
        env=_clean_env(PROGRAM_RULES=str(rules)),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "welcome.points" in result.stderr
