"""Playwright on Debian's Chromium with fake camera and microphone, and the page steps the tests share."""
from __future__ import annotations

import os

from playwright.sync_api import Page, expect

CHROMIUM = os.environ.get('CHROMIUM', '/usr/bin/chromium')
CHROMIUM_ARGS = [
    '--use-fake-device-for-media-stream',
    '--use-fake-ui-for-media-stream',
    '--allow-loopback-in-peer-connection',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    '--disable-quic',
]


def by_testid(page: Page, name: str):
    return page.get_by_test_id(name)


def register(page: Page, base_url: str, username: str, password: str = 'correct horse') -> None:
    page.goto(f'{base_url}/register')
    by_testid(page, 'register-username').fill(username)
    by_testid(page, 'register-password').fill(password)
    by_testid(page, 'register-password-confirm').fill(password)
    by_testid(page, 'register-submit').click()
    expect(by_testid(page, 'me')).to_have_text(username)


def log_in(page: Page, base_url: str, username: str, password: str = 'correct horse') -> None:
    page.goto(f'{base_url}/login')
    by_testid(page, 'login-username').fill(username)
    by_testid(page, 'login-password').fill(password)
    by_testid(page, 'login-submit').click()
    expect(by_testid(page, 'me')).to_have_text(username)
