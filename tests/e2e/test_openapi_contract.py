"""The OpenAPI document tells the truth: schemathesis against a real `loyalty serve`, with and without
the token, finds no 5xx, no undocumented status, no response that breaks its schema.

Bounded (examples, time, a fixed seed) so CI stays fast. One check is left out on purpose:
`positive_data_acceptance` expects every schema-valid request to be accepted, and two refusals
cannot be written in JSON Schema: a phone is checked against the numbering plan, and points are
strict JSON integers, while JSON Schema counts 2893.0 as an integer.
"""

from __future__ import annotations

import base64
import os
import secrets
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.e2e.test_serve import _clean_env, _free_port

BIN = Path(sys.executable).parent
TOKEN = "contract-" + secrets.token_urlsafe(12)
SECRET = "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()
CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("contract")
    port = _free_port()
    env = _clean_env(
        DATABASE_URL=f"sqlite+aiosqlite:///{folder / 'loyalty.db'}",
        ADMIN_API_TOKEN=TOKEN,
        REPAIR_WEBHOOK_SECRET=SECRET,
    )
    log = (folder / "serve.log").open("w")
    proc = subprocess.Popen(
        [str(BIN / "loyalty"), "serve", "--port", str(port)], cwd=folder, env=env, stdout=log, stderr=log
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        else:
            pytest.fail("loyalty serve did not become healthy: " + (folder / "serve.log").read_text())
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()


@pytest.mark.parametrize("with_token", [True, False], ids=["token", "anonymous"])
def test_the_document_matches_what_the_server_does(served: str, with_token: bool, tmp_path: Path):
    headers = ["-H", f"Authorization: Bearer {TOKEN}"] if with_token else []
    result = subprocess.run(
        [
            str(BIN / "schemathesis"),
            "run",
            f"{served}/openapi.json",
            "--checks",
            CHECKS,
            "--max-examples",
            os.environ.get("CONTRACT_EXAMPLES", "25"),
            "--seed",
            "20261202",
            "--workers",
            "1",
            *headers,
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "NO_COLOR": "1"},
    )
    assert result.returncode == 0, result.stdout[-8000:] + result.stderr[-2000:]
    assert "API Operations" in result.stdout  # it really ran
