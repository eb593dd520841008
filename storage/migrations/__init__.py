"""Numbered SQL migrations, applied in order from PRAGMA user_version."""
