"""A stranger's conversation: consent, birthday, marketing consent, then the account.

Nothing personal is kept before consent: the state row is keyed by an HMAC of the WaId and holds
only the step, the language and an inviter's code; declining deletes it. The phone number is the
sender's WaId, so it is never asked for.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bot.deps import ChatDeps
from bot.phones import InvalidPhone, normalize_whatsapp_id
from bot.vocabulary import Action, Screen
from bot.whatsapp.keywords import (
    command_of,
    detect_locale,
    is_no,
    is_skip,
    is_yes,
    referral_code_in,
    wanted_locale,
)
from bot.whatsapp.state import Inbound, Outcome, Say, Show
from domain.birthdays import BIRTHDAY_EXAMPLE, BadBirthday, parse_birthday, shop_today
from domain.customers import Channel, Registration
from domain.dialogue import Dialogue
from domain.ports import UnitOfWork
from domain.services.referrals import live_referral_code
from domain.services.registration import RegistrationResult, register_customer

STATE_TTL = timedelta(days=1)  # a registration left half-way starts over after a day
CONSENT, BIRTHDAY, MARKETING = "consent", "birthday", "marketing"


@dataclass
class Registrar:
    deps: ChatDeps

    async def handle(self, uow: UnitOfWork, key: str, msg: Inbound, now: datetime) -> Outcome:
        repo = uow.dialogues
        state = await repo.get(key)
        if state is not None and (now - state.updated_at > STATE_TTL or state.step not in _STEPS):
            await repo.delete(key)
            state = None
        command = command_of(msg.body)
        locale = state.locale if state else detect_locale(msg.body, self.deps.default_locale)
        if command is Action.UNSUBSCRIBE:
            if state is not None:
                await repo.delete(key)
            return Outcome([Say("wa_stop_unregistered")], locale)
        if state is None:
            await repo.delete_older_than(now - STATE_TTL)  # each new conversation sweeps abandoned ones
            code = await live_referral_code(uow, referral_code_in(msg.body))
            state = Dialogue(key, CONSENT, locale, now, {"referral": code} if code else {})
            await repo.save(state)
            # the program first, then the consent as a message of its own: a consent is not an advert
            return Outcome([self._intro(state), self._consent(state)], locale)
        if command is Action.LANGUAGE:
            state.locale = wanted_locale(msg.body, state.locale)
            return await self._next(uow, state, now, Say("wa_language_set"), self._ask(state))
        return await _STEPS[state.step](self, uow, state, msg, now)

    async def _consent_step(self, uow: UnitOfWork, state: Dialogue, msg: Inbound, now: datetime) -> Outcome:
        if is_no(msg.body):
            await uow.dialogues.delete(state.key)
            return Outcome([Say("wa_declined")], state.locale)
        if not is_yes(msg.body):
            return Outcome([self._consent(state, again=True)], state.locale)
        try:
            phone = normalize_whatsapp_id(msg.wa_id)
        except InvalidPhone:
            await uow.dialogues.delete(state.key)
            return Outcome([Say("wa_phone_invalid")], state.locale)
        state.data["policy_version"] = self.deps.policy.version
        digest = self.deps.policy.hash_for(state.locale)  # of the text shown in this language
        if digest:
            state.data["document_hash"] = digest
        existing = await uow.customers.by_phone(phone)
        if existing is not None and not existing.is_deleted:
            # one person, one account: this number is a member already (e.g. through Telegram)
            result = await self._register(uow, state, msg, phone, existing.marketing_opt_in, None, now)
            return self._joined(result)
        state.step = BIRTHDAY
        return await self._next(uow, state, now, Say("wa_ask_birthday", {"example": BIRTHDAY_EXAMPLE}))

    async def _birthday_step(self, uow: UnitOfWork, state: Dialogue, msg: Inbound, now: datetime) -> Outcome:
        birthday: date | None = None
        if not (is_skip(msg.body) or is_no(msg.body)):
            try:
                birthday = parse_birthday(msg.body, shop_today(now, self.deps.timezone))
            except BadBirthday as bad:
                context = {"reason": bad.reason, "example": BIRTHDAY_EXAMPLE}
                return Outcome([Say("wa_birthday_invalid", context)], state.locale)
        state.data["birthday"] = birthday.isoformat() if birthday else None
        state.step = MARKETING
        return await self._next(uow, state, now, Say("wa_ask_marketing", {"again": False}))

    async def _marketing_step(self, uow: UnitOfWork, state: Dialogue, msg: Inbound, now: datetime) -> Outcome:
        if not (is_yes(msg.body) or is_no(msg.body)):
            return Outcome([Say("wa_ask_marketing", {"again": True})], state.locale)
        try:
            phone = normalize_whatsapp_id(msg.wa_id)
        except InvalidPhone:
            await uow.dialogues.delete(state.key)
            return Outcome([Say("wa_phone_invalid")], state.locale)
        raw_birthday = state.data.get("birthday")
        birthday = date.fromisoformat(raw_birthday) if raw_birthday else None
        result = await self._register(uow, state, msg, phone, is_yes(msg.body), birthday, now)
        if result.joined_existing:
            return self._joined(result)
        customer = result.customer
        context = {
            "name": customer.name,
            "bonus": result.welcome.entry.points if result.welcome else 0,
            "bonus_expires_at": result.welcome.entry.expires_at if result.welcome else None,
            "balance": result.welcome.balance if result.welcome else 0,
            "tier_name": self.deps.rules.tier(customer.tier).name(customer.locale),
        }
        return Outcome([Say("wa_welcome", context), Show(Screen.MENU)], customer.locale, customer.id)

    async def _register(
        self,
        uow: UnitOfWork,
        state: Dialogue,
        msg: Inbound,
        phone: str,
        marketing: bool,
        birthday: date | None,
        now: datetime,
    ) -> RegistrationResult:
        name = (msg.profile_name or "").strip()[:200] or None
        registration = Registration(
            phone=phone,
            name=name,
            locale=state.locale,
            policy_version=str(state.data["policy_version"]),
            document_hash=state.data.get("document_hash"),
            marketing_opt_in=marketing,
            birthday=birthday,
            channel=Channel.WHATSAPP,
            external_id=msg.wa_id,
            referral_code=state.data.get("referral"),
        )
        result = await register_customer(uow, self.deps.rules, registration, now)
        await uow.dialogues.delete(state.key)
        return result

    def _joined(self, result: RegistrationResult) -> Outcome:
        customer = result.customer
        context = {
            "balance": customer.points_balance,
            "tier_name": self.deps.rules.tier(customer.tier).name(customer.locale),
        }
        return Outcome([Say("wa_joined", context), Show(Screen.MENU)], customer.locale, customer.id)

    async def _next(self, uow: UnitOfWork, state: Dialogue, now: datetime, *replies: Say) -> Outcome:
        state.updated_at = now
        await uow.dialogues.save(state)
        return Outcome(list(replies), state.locale)

    def _consent(self, state: Dialogue, *, again: bool = False) -> Say:
        return Say(
            "wa_consent",
            {
                "policy_url": self.deps.policy.url,
                "consent_url": self.deps.policy.consent_url,
                "policy_version": self.deps.policy.version,
                "again": again,
            },
            alone=True,
        )

    def _intro(self, state: Dialogue) -> Say:
        return Say(
            "wa_intro",
            {"bonus": self.deps.rules.welcome.points, "referred": bool(state.data.get("referral"))},
        )

    def _ask(self, state: Dialogue) -> Say:
        if state.step == BIRTHDAY:
            return Say("wa_ask_birthday", {"example": BIRTHDAY_EXAMPLE})
        if state.step == MARKETING:
            return Say("wa_ask_marketing", {"again": False})
        return self._consent(state)


_STEPS = {
    CONSENT: Registrar._consent_step,
    BIRTHDAY: Registrar._birthday_step,
    MARKETING: Registrar._marketing_step,
}
