"""Dialogue states (kept in the FSM storage, so they survive a restart)."""

from __future__ import annotations

from aiogram.fsm.state import State, StatesGroup


class Signup(StatesGroup):
    consent = State()
    phone = State()
    birthday = State()
    marketing = State()


class ProfileEdit(StatesGroup):
    birthday = State()


class Question(StatesGroup):
    text = State()  # the next message is the customer's question to the staff


class Feedback(StatesGroup):
    comment = State()  # the next message is the comment on the score just given
