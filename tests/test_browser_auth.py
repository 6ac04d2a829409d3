"""Register, log out, log in and a server restart in Debian's Chromium against `python main.py`."""
from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from . import app_server
from .app_server import AppServer
from .browser import by_testid, log_in, register

pytestmark = pytest.mark.browser

# main.py loads a developer's .env without overriding what is set: empty values (= the defaults) keep it out.
DEFAULTS = dict.fromkeys(('DATABASE_URL', 'STORAGE_SECRET', 'ICE_SERVERS', 'AGORA_APP_ID', 'AGORA_APP_CERTIFICATE',
                          'SIGNALING', 'TOKEN_TTL', 'AGORA_SDK_URL', 'APP_NAME', 'APP_LOGO', 'BRAND_COLOR',
                          'DEMO_USERS'), '')


@pytest.fixture
def restart() -> Iterator:
    """Stop a server and start `python main.py` again on the same data folder and port (a real restart)."""
    started: list[AppServer] = []

    def restart_server(server: AppServer) -> AppServer:
        server.stop()
        original_free_port = app_server.free_port
        app_server.free_port = lambda: server.port
        try:
            again = AppServer(server.data_dir, **DEFAULTS)
        finally:
            app_server.free_port = original_free_port
        started.append(again)
        return again

    yield restart_server
    for server in started:
        server.stop()


def log_out(page, base_url: str) -> None:
    by_testid(page, 'logout').click()
    expect(page).to_have_url(f'{base_url}/login')
    expect(by_testid(page, 'login-submit')).to_be_visible()
    expect(by_testid(page, 'me')).to_have_count(0)


def test_register_log_out_log_in_and_survive_a_restart(start_app, restart, chromium):
    app = start_app(**DEFAULTS)
    context = chromium.new_context()
    page = context.new_page()
    try:
        register(page, app.url, 'alice')
        expect(page).to_have_url(f'{app.url}/')
        expect(by_testid(page, 'auth-error')).to_have_count(0)

        log_out(page, app.url)
        page.goto(f'{app.url}/')
        expect(page).to_have_url(f'{app.url}/login')
        expect(by_testid(page, 'me')).to_have_count(0)

        log_in(page, app.url, 'alice')
        expect(page).to_have_url(f'{app.url}/')

        # Another browser (its own cookies) is still anonymous.
        stranger = chromium.new_context().new_page()
        stranger.goto(f'{app.url}/')
        expect(stranger).to_have_url(f'{app.url}/login')
        stranger.context.close()

        log_out(page, app.url)
        by_testid(page, 'login-username').fill('alice')
        by_testid(page, 'login-password').fill('not the password')
        by_testid(page, 'login-submit').click()
        expect(by_testid(page, 'auth-error')).to_have_text('Wrong username or password.')
        expect(page).to_have_url(f'{app.url}/login')
        expect(by_testid(page, 'login-password')).to_have_value('')

        log_in(page, app.url, 'alice')
        first_log = app.log()
        assert 'Traceback' not in first_log, first_log

        page.goto('about:blank')  # no open page reconnecting (and reloading itself) across the restart
        app = restart(app)
        page.goto(f'{app.url}/')
        expect(page).to_have_url(f'{app.url}/')
        expect(by_testid(page, 'me')).to_have_text('alice')  # the session survived the restart

        log_out(page, app.url)
        log_in(page, app.url, 'alice')  # and the account too
        second_log = app.log()
        assert 'Traceback' not in second_log, second_log
    finally:
        context.close()


def test_register_refusal_shows_the_message_and_stays(start_app, chromium):
    app = start_app(**DEFAULTS)
    context = chromium.new_context()
    page = context.new_page()
    try:
        register(page, app.url, 'Bob')
        log_out(page, app.url)
        page.goto(f'{app.url}/register')
        by_testid(page, 'register-username').fill('bob')
        by_testid(page, 'register-password').fill('another password')
        by_testid(page, 'register-password-confirm').fill('another password')
        by_testid(page, 'register-submit').click()
        expect(by_testid(page, 'auth-error')).to_have_text('The username "bob" is taken. Please choose another one.')
        expect(page).to_have_url(f'{app.url}/register')

        by_testid(page, 'register-username').fill('carol')
        by_testid(page, 'register-password-confirm').fill('another passworD')
        by_testid(page, 'register-submit').click()
        expect(by_testid(page, 'auth-error')).to_have_text('The two passwords do not match.')
        expect(page).to_have_url(f'{app.url}/register')
        assert 'Traceback' not in app.log()
    finally:
        context.close()


def test_log_out_in_one_tab_sends_every_tab_of_that_browser_to_login(start_app, chromium):
    app = start_app(**DEFAULTS)
    context, other_browser = chromium.new_context(), chromium.new_context()
    try:
        first = context.new_page()
        register(first, app.url, 'alice')
        second = context.new_page()  # a second tab: the same session
        second.goto(app.url)
        expect(by_testid(second, 'me')).to_have_text('alice')
        elsewhere = other_browser.new_page()
        log_in(elsewhere, app.url, 'alice')

        log_out(first, app.url)
        expect(second).to_have_url(f'{app.url}/login')
        expect(by_testid(second, 'login-submit')).to_be_visible()
        elsewhere.reload()  # another browser keeps its own session
        expect(by_testid(elsewhere, 'me')).to_have_text('alice')
        assert 'Traceback' not in app.log()
    finally:
        context.close()
        other_browser.close()
