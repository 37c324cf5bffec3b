"""The WhatsApp channel through Twilio."""
