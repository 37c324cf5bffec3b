"""Chat front ends: telegram/ (aiogram), whatsapp/ (Twilio), and what both share."""
