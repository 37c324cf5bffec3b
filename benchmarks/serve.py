"""A child process: one uvicorn server on 127.0.0.1 (a free port), the product or the floor.

    python -m benchmarks.serve product --database-url URL [--schema S] --secret whsec_... --max-seconds N
    python -m benchmarks.serve floor --max-seconds N

Both are served the same way, the way `loyalty serve` does it: `asyncio.run(uvicorn.Server.serve())`,
so the standard asyncio loop and uvicorn's "auto" HTTP parser (httptools when installed); access
log off for both. `--uvloop` runs both on uvloop instead (what `uvicorn.run` would pick). It prints
`READY <port>` once it accepts connections, stops on SIGTERM/SIGINT, and stops by itself after
--max-seconds.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import socket

import uvicorn
from fastapi import FastAPI, Request

from benchmarks.common import HOST, announce_ready


def floor_app() -> FastAPI:
    """The floor of webhook ingestion: a bare FastAPI endpoint that reads the body and answers."""
    app = FastAPI()

    @app.post("/webhooks/repairs")
    async def receive(request: Request) -> dict[str, str]:
        await request.body()
        return {"status": "processed"}

    return app


def product_app(database_url: str, schema: str | None, secret: str) -> FastAPI:
    """The real app over the real composition root, as `loyalty serve` builds it (channels off)."""
    from app.background import web_app
    from app.bootstrap import bootstrap
    from app.settings import Settings
    from store.engine import create_engine

    settings = Settings(_env_file=None, database_url=database_url, repair_webhook_secret=secret)
    # The engine is made here only to give it the benchmark's PostgreSQL schema (search_path).
    engine = create_engine(database_url, search_path=schema)
    container = bootstrap(settings, engine=engine, channel_builders={})
    return web_app(container, dispose_on_shutdown=True)


async def serve(app: FastAPI, max_seconds: float) -> None:
    # proto=IPPROTO_TCP, as getaddrinfo gives it: asyncio sets TCP_NODELAY on accepted connections
    # only then (with proto 0, every answer waits ~40 ms for a delayed ACK).
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((HOST, 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="on")
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve(sockets=[sock]))
    async with asyncio.timeout(30):
        while not server.started:
            if task.done():
                await task  # surfaces the start-up error
                return
            await asyncio.sleep(0.01)
    announce_ready(port)
    try:
        await asyncio.wait_for(asyncio.shield(task), timeout=max_seconds)
    except TimeoutError:
        server.should_exit = True  # the watchdog: never outlive the benchmark
        await task


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("kind", choices=["product", "floor"])
    parser.add_argument("--database-url")
    parser.add_argument("--schema")
    parser.add_argument("--secret")
    parser.add_argument("--max-seconds", type=float, default=300)
    parser.add_argument("--uvloop", action="store_true")
    args = parser.parse_args()
    kind, url, schema, secret = args.kind, args.database_url, args.schema, args.secret
    app = floor_app() if kind == "floor" else product_app(url, schema, secret)
    with contextlib.suppress(KeyboardInterrupt):
        if args.uvloop:
            import uvloop

            uvloop.run(serve(app, args.max_seconds))
        else:
            asyncio.run(serve(app, args.max_seconds))


if __name__ == "__main__":
    main()
