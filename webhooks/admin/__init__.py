"""The marketers' site under /admin: server-rendered pages, one router per page (webhooks/admin/routes.py
collects them). Its words live in messages/labels/admin_<locale>.toml, never here."""
