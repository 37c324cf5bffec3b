"""/privacy and /privacy/consent: the documents the consent step links to, served by the app itself."""

from __future__ import annotations

import dataclasses

from app.settings import Settings
from messages.documents import text_hash
from tests.builders import registered
from tests.e2e.conftest import running
from tests.samples.shop import SHOP


async def test_the_policy_and_the_consent_are_served_in_both_languages(make_container):
    container = await make_container(public_base_url="https://loyalty.shop.example")
    async with running(container) as client:
        policy = await client.get("/privacy")
        consent = await client.get("/privacy/consent")
        consent_en = await client.get("/privacy/consent", params={"lang": "en"})
        bad = await client.get("/privacy", params={"lang": "de"})
    assert policy.status_code == 200 and policy.headers["content-type"].startswith("text/html")
    assert "<h1>Политика обработки персональных данных" in policy.text
    assert "https://loyalty.shop.example/privacy/consent" in policy.text  # the policy points to the consent
    assert "/delete_me" in policy.text and "90 дней" in policy.text  # the rules' linking window, not a copy
    assert "<h1>Согласие на обработку персональных данных</h1>" in consent.text
    for element in (
        "Оператор",
        "Цели обработки",
        "Какие данные",
        "Действия с данными",
        "трансграничная",
        "отзыв",
    ):
        assert element in consent.text, element
    assert "<h1>Consent to the processing of personal data</h1>" in consent_en.text
    assert 'href="/privacy/consent?lang=ru"' in consent_en.text
    assert bad.status_code == 422


async def test_the_page_shows_the_checksum_of_exactly_the_text_recorded_with_a_consent(
    make_container, rules, clock
):
    container = await make_container(public_base_url="https://loyalty.shop.example")
    documents = container.documents
    async with running(container) as client:
        page = (await client.get("/privacy/consent")).text
    assert f"SHA-256: {text_hash(documents.consent['ru'])}" in page
    assert container.chat.policy.hash_for("ru") == text_hash(documents.consent["ru"])
    assert container.chat.policy.hash_for("en") == text_hash(documents.consent["en"])
    assert container.chat.policy.consent_url == "https://loyalty.shop.example/privacy/consent"
    digest = container.chat.policy.hash_for("ru")
    cid = (await registered(container.uow(), rules, clock.now(), document_hash=digest)).customer.id
    async with container.uow() as uow:
        [personal, _marketing] = await uow.consents.of_customer(cid)
    assert (personal.document_version, personal.document_hash) == ("2026-11-01", digest)


async def test_the_consent_names_the_shop_as_operator_and_only_the_processors_in_use(make_container):
    container = await make_container()
    container.rules = dataclasses.replace(container.rules, shop=SHOP)
    from app.bootstrap import bootstrap

    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=container.settings.database_url,
        telegram_bot_token="123:abc",
    )
    shop_container = bootstrap(settings, rules=container.rules, engine=container.engine, channel_builders={})
    ru = shop_container.documents.consent["ru"]
    assert "Сервисный центр «Мастер», адрес: Москва, ул. Тверская, 1" in ru
    assert "Telegram" in ru and "Twilio" not in ru  # WhatsApp is not configured here
    assert "Twilio" in container.documents.consent["ru"]  # nothing configured: every processor is named
