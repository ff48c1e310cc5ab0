"""Browser tests (Playwright driving the OS's Chromium); see conftest.py."""
