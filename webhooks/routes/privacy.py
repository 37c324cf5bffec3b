"""The personal-data documents on the web: /privacy (the policy) and /privacy/consent (the consent).

The page shows exactly the text the chat's consent step refers to, the one whose SHA-256 is
recorded with each consent (messages/documents.py); `?lang=en` for English, Russian by default.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Query
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from messages.documents import text_hash
from webhooks.deps import Deps

router = APIRouter(tags=["personal data"])
_pages = Environment(
    loader=FileSystemLoader(Path(__file__).parent.parent / "templates"),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)
LANGUAGES = (("ru", "Русский"), ("en", "English"))
Lang = Annotated[Literal["ru", "en"] | None, Query(description="The document's language; Russian by default")]


def blocks(text: str) -> list[tuple[str, Any]]:
    """`# `/`## ` headings, `- ` list items grouped into one list, any other line a paragraph."""
    out: list[tuple[str, Any]] = []
    for line in (raw.strip() for raw in text.splitlines()):
        if not line:
            continue
        if line.startswith("- "):
            if out and out[-1][0] == "ul":
                out[-1][1].append(line[2:])
            else:
                out.append(("ul", [line[2:]]))
        elif line.startswith("## "):
            out.append(("h2", line[3:]))
        elif line.startswith("# "):
            out.append(("h1", line[2:]))
        else:
            out.append(("p", line))
    return out


def _page(path: str, texts: dict[str, str], lang: str | None, *, checksum: bool) -> HTMLResponse:
    locale = lang or "ru"
    text = texts[locale]
    html = _pages.get_template("document.html").render(
        locale=locale,
        title=text.splitlines()[0].lstrip("# "),
        blocks=blocks(text),
        checksum=text_hash(text) if checksum else None,
        languages=[(code, label, f"{path}?lang={code}") for code, label in LANGUAGES if code != locale],
    )
    return HTMLResponse(html)


@router.get("/privacy", response_class=HTMLResponse)
async def privacy_policy(deps: Deps, lang: Lang = None) -> HTMLResponse:
    """The personal-data policy: what is kept, why, how long, and how to export or delete it."""
    if deps.documents is None:
        raise HTTPException(404)
    return _page("/privacy", deps.documents.policy, lang, checksum=False)


@router.get("/privacy/consent", response_class=HTMLResponse)
async def consent_document(deps: Deps, lang: Lang = None) -> HTMLResponse:
    """The consent a member agrees to at sign-up, in the version in force; its checksum at the end."""
    if deps.documents is None:
        raise HTTPException(404)
    return _page("/privacy/consent", deps.documents.consent, lang, checksum=True)
