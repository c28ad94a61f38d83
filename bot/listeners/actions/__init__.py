"""Listeners: see bot/listeners/__init__.py."""
