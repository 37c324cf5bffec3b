"""Telegram end to end: the real app, the real aiogram client, a fake Bot API server on 127.0.0.1."""
