"""The language switch: remembered in a cookie for a year, then back to the page it was used on."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from webhooks.admin.forms import Form
from webhooks.admin.visit import LANG_COOKIE, LANG_MAX_AGE, VisitDep, safe_next

router = APIRouter()


@router.post("/language", include_in_schema=False)
async def switch_language(visit: VisitDep) -> Response:
    form = Form(await visit.request.form())
    chosen = form.value("lang")
    if chosen in visit.site.texts.locales:
        visit.set_cookie(LANG_COOKIE, chosen, LANG_MAX_AGE)
    return visit.redirect(safe_next(form.value("next")))
