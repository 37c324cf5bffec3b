"""The FastAPI app: Telegram and Twilio webhooks, repair events, /api/v1, /admin."""
