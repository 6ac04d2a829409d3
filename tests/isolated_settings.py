"""Every setting a test's app could read from the developer's environment or .env file, blanked: empty means "the
default" and, unlike a missing variable, is not filled in again from a .env file."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

SETTINGS = ('DATABASE_URL', 'STORAGE_SECRET', 'RING_TIMEOUT', 'ICE_SERVERS', 'AGORA_APP_ID', 'AGORA_APP_CERTIFICATE',
            'SIGNALING', 'TOKEN_TTL', 'HOST', 'PORT', 'AGORA_SDK_URL', 'SSL_CERTFILE', 'SSL_KEYFILE', 'TURN_URLS',
            'TURN_SECRET', 'TURN_TTL', 'ICE_TRANSPORT_POLICY', 'APP_NAME', 'APP_LOGO', 'BRAND_COLOR', 'DEMO_USERS',
            'ALLOWED_ORIGINS', 'SESSION_DAYS', 'REDIS_URL', 'INSTANT_ANSWER')


def isolate_settings(monkeypatch: pytest.MonkeyPatch, data_dir: Path) -> None:
    """Blank every setting, with `data_dir` as the data folder; a developer's .env or data never leaks in."""
    for name in SETTINGS:
        monkeypatch.setenv(name, '')
    monkeypatch.setenv('DATA_DIR', str(data_dir))
    monkeypatch.setenv('NICEGUI_TUNING', os.environ.get('NICEGUI_TUNING', ''))  # the test run's own, never .env's
