"""The secret that signs browser sessions: from STORAGE_SECRET, else generated once and kept in the data folder."""
from __future__ import annotations

import os
import secrets
from pathlib import Path


def load_or_create_storage_secret(configured: str, data_dir: Path) -> str:
    if configured:
        return configured
    path = data_dir / 'storage_secret'
    if path.exists():
        stored = path.read_text().strip()
        if stored:
            return stored
        path.unlink()  # left empty by a crash between creating and writing it: never sign sessions with ''
    data_dir.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_urlsafe(32)
    # Created owner-only in one step, so the secret is never readable by others even for a moment.
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, 'w') as file:
        file.write(secret)
    return secret
