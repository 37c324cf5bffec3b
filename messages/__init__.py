"""Every customer-facing text: Jinja2 templates per locale and channel, and one renderer."""

from messages.renderer import LOCALES, Renderer

__all__ = ["LOCALES", "Renderer"]
