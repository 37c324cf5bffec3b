"""Reading a request body with a size cap, before anything parses it."""

from __future__ import annotations

from fastapi import HTTPException, Request


async def read_limited_body(request: Request, limit: int) -> bytes:
    """The raw body; 413 as soon as it is declared or streamed past `limit` bytes."""
    declared = request.headers.get("content-length", "")
    if declared.isascii() and declared.isdigit() and int(declared) > limit:
        raise HTTPException(413, f"body larger than {limit} bytes")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise HTTPException(413, f"body larger than {limit} bytes")
    return bytes(body)
