"""The session cookie is `Secure` over HTTPS (served directly, or behind a proxy that says so with
X-Forwarded-Proto), never over plain HTTP, and lives SESSION_DAYS."""
from __future__ import annotations

import ssl
import urllib.request

from .self_signed import self_signed_certificate


def session_cookie(url: str, headers: dict[str, str] | None = None, context: ssl.SSLContext | None = None) -> str:
    """The Set-Cookie header of a first visit's /login (a new browser gets its session cookie there)."""
    request = urllib.request.Request(f'{url}/login', headers=headers or {})
    with urllib.request.urlopen(request, timeout=10, context=context) as response:
        [cookie] = [value for name, value in response.headers.items()
                    if name.lower() == 'set-cookie' and value.startswith('session=')]
    return cookie


def flags(cookie: str) -> set[str]:
    return {part.strip().lower() for part in cookie.split(';')[1:]}


def test_over_plain_http_the_cookie_is_not_secure_and_lives_14_days(start_app):
    app = start_app()
    cookie = flags(session_cookie(app.url))
    assert 'secure' not in cookie
    assert {'httponly', 'samesite=lax', f'max-age={14 * 86400}'} <= cookie


def test_behind_a_proxy_that_says_https_the_cookie_is_secure(start_app):
    """uvicorn believes X-Forwarded-Proto from 127.0.0.1 (a proxy on this machine)."""
    app = start_app(SESSION_DAYS='2')
    cookie = flags(session_cookie(app.url, {'X-Forwarded-Proto': 'https'}))
    assert {'secure', 'httponly', f'max-age={2 * 86400}'} <= cookie
    assert 'secure' not in flags(session_cookie(app.url, {'X-Forwarded-Proto': 'http'}))


def test_served_over_https_the_cookie_is_secure(start_app, tmp_path):
    certificate, key = self_signed_certificate(tmp_path / 'tls')
    app = start_app(SSL_CERTFILE=str(certificate), SSL_KEYFILE=str(key))
    context = ssl.create_default_context(cafile=str(certificate))
    assert {'secure', 'httponly'} <= flags(session_cookie(app.url, context=context))
