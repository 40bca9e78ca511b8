"""The offline app's browser tests share the browser tests' Chromium (``browser`` in tests/conftest.py)."""
