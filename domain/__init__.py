"""Loyalty rules and use cases. Imports only the standard library and itself."""
