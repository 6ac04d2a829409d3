"""The abuse findings, replayed against the real server (`python main.py`) by scripted clients that speak the
pages' own socket.io protocol (bench/nicegui_client.py): each attack that worked before now gets a refusal in
words, and nobody else is locked out by it.

The server runs on 127.0.0.1, whose `X-Forwarded-For` uvicorn believes (a local proxy's): that is how these
clients come from different addresses.
"""
from __future__ import annotations

from backend.invite_limit import SAME_PERSON
from bench.app_process import PASSWORD  # what bench's register() signs up with
from bench.nicegui_client import Tab, http_session, open_dashboard, register

LOCKED = 'Too many failed attempts for this username.'


def done_or_refused(tab: Tab) -> bool:
    return tab.navigated_to is not None or bool(tab.text('auth-error'))


async def submit_form(url: str, http, page: str, address: str, fields: dict[str, str]) -> str | None:
    """Fill and submit /login or /register from `address`: None when it let us in, else the refusal shown."""
    tab = Tab(url, http, name=fields[f'{page}-username'])
    tab.headers = {'X-Forwarded-For': address}
    await tab.open(f'/{page}')
    try:
        for key, value in fields.items():
            await tab.type(key, value)
        await tab.click(f'{page}-submit')
        await tab.wait_for(done_or_refused, timeout=30, what=f'the {page} outcome')
        return None if tab.navigated_to else tab.text('auth-error')
    finally:
        await tab.close()


async def log_in(url: str, http, username: str, password: str, address: str) -> str | None:
    return await submit_form(url, http, 'login', address,
                             {'login-username': username, 'login-password': password})


async def sign_up(url: str, http, username: str, address: str) -> str | None:
    return await submit_form(url, http, 'register', address, {'register-username': username,
                                                              'register-password': PASSWORD,
                                                              'register-password-confirm': PASSWORD})


async def test_wrong_passwords_from_elsewhere_do_not_lock_the_user_out(start_app):
    """Before: five wrong passwords from anywhere (and a case variant) locked alice out for 60 s."""
    app = start_app()
    async with http_session() as http:
        assert await sign_up(app.url, http, 'alice', '10.0.0.1') is None
        for name in ('alice', 'ALICE', 'Alice', 'alice', 'aLice'):
            assert await log_in(app.url, http, name, 'wrong password', '203.0.113.9') == 'Wrong username or password.'
        refusal = await log_in(app.url, http, 'alice', PASSWORD, '203.0.113.9')
        assert refusal is not None and refusal.startswith(LOCKED)  # the guesser is slowed down, in today's words
        assert await log_in(app.url, http, 'alice', PASSWORD, '10.0.0.1') is None  # alice is not


async def test_one_address_cannot_fill_the_directory_with_accounts(start_app):
    """Before: one client made 50 accounts in 17.6 s, each pushed to every open dashboard."""
    app = start_app()
    async with http_session() as http:
        for index in range(10):
            assert await sign_up(app.url, http, f'bot{index}', '203.0.113.9') is None
        assert await sign_up(app.url, http, 'bot10', '203.0.113.9') == \
            'Too many new accounts from your network. Please try again in 10 minutes.'
        assert await sign_up(app.url, http, 'carol', '10.0.0.7') is None  # a person elsewhere signs up as usual
        refusal = await log_in(app.url, http, 'bot10', PASSWORD, '10.0.0.8')
        assert refusal == 'Wrong username or password.'  # the refused account does not exist


async def test_nobody_can_keep_someone_ringing_on_end(start_app):
    """Before: unanswered calls, one after another, kept the callee busy (unable to call out) for good."""
    app = start_app()
    async with http_session() as http:
        alice = await open_dashboard(app.url, http, 'alice', await register(app.url, http, 'alice'))
        bob = await open_dashboard(app.url, http, 'bob', await register(app.url, http, 'bob'))
        try:
            for _ in range(SAME_PERSON):  # ring, and hang up before bob can answer
                await alice.click('user-bob')  # the row's click is its call button (person_row.js)
                await bob.wait_for(lambda tab: tab.has('incoming-call'), what='the ringing banner')
                await alice.wait_for(lambda tab: tab.has('cancel-call'), what='the ringing panel')
                await alice.click('cancel-call')
                await alice.wait_for(lambda tab: tab.text('call-notice') == 'Call cancelled', what='the cancel')
            await alice.click('user-bob')
            await alice.wait_for(lambda tab: 'has not answered your last calls' in (tab.text('call-notice') or ''),
                                 what='the refusal')
            assert alice.text('call-notice') == 'bob has not answered your last calls. ' \
                                                'You can call again in 10 minutes.'
            assert not bob.has('incoming-call')
            await bob.click('user-alice')  # bob was never kept busy, and may call back at once
            await alice.wait_for(lambda tab: tab.has('incoming-call'), what='bob calling back')
        finally:
            await alice.close()
            await bob.close()
