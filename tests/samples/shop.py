"""Sample contexts of the texts made from the rules file's [shop] section (issue 12), and a sample shop."""

from __future__ import annotations

from domain.shop import Shop

SHOP = Shop(
    names={"ru": "Сервисный центр «Мастер»", "en": "Master repair center"},
    addresses={"ru": "Москва, ул. Тверская, 1", "en": "1 Tverskaya St, Moscow"},
    phone="+7 495 123-45-67",
    hours={"ru": "ежедневно с 10:00 до 21:00", "en": "daily, 10:00 to 21:00"},
    map_url="https://maps.example.com/?q=tverskaya-1",
    staff_names={"ru": "Анна, администратор", "en": "Anna, front desk"},
)

SAMPLES: dict[str, dict[str, object]] = {
    "tg_bot_description": {},
    "tg_bot_short_description": {},
}
