"""Sign-ins against the real server (`python main.py`), by scripted clients that speak the pages' own protocol
(bench/nicegui_client.py): logging out ends every open page of that sign-in on the server, and a session cookie
known before a sign-in (or after a sign-out) is worth nothing; with the sign-ins in this process, and in Redis
(REDIS_URL)."""
from __future__ import annotations

import asyncio

import pytest

from bench.app_process import PASSWORD
from bench.nicegui_client import Tab, http_session, log_in, open_dashboard, register


async def until(condition, what: str, timeout: float = 20) -> None:
    """Poll for what no message announces (e.g. a closed socket)."""
    async with asyncio.timeout(timeout):
        while not condition():
            await asyncio.sleep(0.05)
    assert condition(), what


async def page_status(url: str, http, cookie: str) -> tuple[int, str | None]:
    """What GET / answers for this cookie: (200, None) for the dashboard, or a redirect and where to."""
    async with http.get(f'{url}/', headers={'Cookie': f'session={cookie}'}, allow_redirects=False) as response:
        return response.status, response.headers.get('location')


@pytest.fixture(params=['in-process', 'redis'])
def app(request: pytest.FixtureRequest, start_app):
    """The app with its sign-ins in this process, or in Redis (REDIS_URL)."""
    if request.param == 'redis':
        return start_app(REDIS_URL=request.getfixturevalue('redis_server').url)
    return start_app()


async def test_logging_out_in_one_tab_ends_every_tab_of_that_sign_in(app):
    """Before: a tab that ignored the "go to /login" message went on placing calls as the logged-out user."""
    async with http_session() as http:
        cookie = await register(app.url, http, 'alice')
        bob = await open_dashboard(app.url, http, 'bob', await register(app.url, http, 'bob'))
        one = await open_dashboard(app.url, http, 'alice', cookie)
        other = await open_dashboard(app.url, http, 'alice', cookie)  # a second tab, which ignores navigation
        try:
            await one.click('logout')
            await one.wait_for(lambda tab: tab.navigated_to is not None, what='the sign-out')
            await other.wait_for(lambda tab: tab.navigated_to == '/login', what='the other tab sent to /login')
            await other.click('user-bob')  # it stays and calls bob, as a script would
            await until(lambda: other.drops > 0, 'the server closes the ended tab\'s socket')
            await asyncio.sleep(1.0)  # time for a ring, had the call been placed
            assert not bob.has('incoming-call')
            assert bob.text('status-alice') != 'busy'
            assert await page_status(app.url, http, cookie) == (307, '/login')  # the sign-in is gone on the server
        finally:
            for tab in (one, other, bob):
                await tab.close()


async def test_a_cookie_planted_before_the_sign_in_is_never_signed_in(app):
    """Before: the session id was the same before and after login and after logout, so a `session` cookie planted
    in the victim's browser (cookies are not isolated by port) was signed in as the victim."""
    async with http_session() as http:
        await register(app.url, http, 'alice')
        # The attacker gets a session cookie of their own and plants it in alice's browser.
        attacker = Tab(app.url, http, name='attacker')
        await attacker.open('/login')
        await attacker.close()
        planted = attacker.cookie
        assert planted
        victim = Tab(app.url, http, cookie=planted, name='alice')
        await victim.open('/login')
        await victim.type('login-username', 'alice')
        await victim.type('login-password', PASSWORD)
        await victim.click('login-submit')
        await victim.wait_for(lambda tab: tab.navigated_to is not None, what='the sign-in')
        await victim.close()
        assert await victim.follow(victim.navigated_to) == '/'
        assert victim.cookie != planted  # a new id at the sign-in
        assert await page_status(app.url, http, victim.cookie) == (200, None)  # alice is signed in ...
        assert await page_status(app.url, http, planted) == (307, '/login')  # ... and the planted cookie is not

        # After alice signs out, the cookie she had is worth nothing, and her next sign-in gets a new one again.
        dashboard = await open_dashboard(app.url, http, 'alice', victim.cookie)
        await dashboard.click('logout')
        await dashboard.wait_for(lambda tab: tab.navigated_to is not None, what='the sign-out')
        await dashboard.close()
        assert await dashboard.follow(dashboard.navigated_to) == '/login'
        assert dashboard.cookie not in {victim.cookie, planted}
        assert await page_status(app.url, http, victim.cookie) == (307, '/login')
        again = await log_in(app.url, http, 'alice')
        assert again not in {planted, victim.cookie, dashboard.cookie}


async def test_a_sign_in_ticket_works_once_and_only_for_its_browser(app):
    async with http_session() as http:
        await register(app.url, http, 'alice')
        tab = Tab(app.url, http, name='alice')
        await tab.open('/login')
        await tab.type('login-username', 'alice')
        await tab.type('login-password', PASSWORD)
        await tab.click('login-submit')
        await tab.wait_for(lambda t: t.navigated_to is not None, what='the sign-in')
        await tab.close()
        thief = Tab(app.url, http, name='thief')  # another browser that learned the ticket
        await thief.open('/login')
        await thief.close()
        assert await thief.follow(tab.navigated_to) == '/'
        assert await page_status(app.url, http, thief.cookie) == (307, '/login')
        assert await tab.follow(tab.navigated_to) == '/'  # the owner's hop still works (the thief's changed nothing)
        assert await page_status(app.url, http, tab.cookie) == (200, None)
        reused = tab.cookie
        assert await tab.follow(tab.navigated_to) == '/'  # used once: a second use changes nothing
        assert tab.cookie == reused


def test_the_sign_in_hop_runs_on_the_event_loop():
    """FastAPI runs a plain-function route in a thread; the hop's tickets were then changed there while a sign-in on
    the event loop swept the expired ones ("dictionary changed size during iteration": a refused sign-in in a
    burst of 1,000)."""
    import inspect

    from ui.session import sign_ins
    assert inspect.iscoroutinefunction(sign_ins.hop)


async def test_a_burst_of_sign_ins_all_reach_the_dashboard(app):
    async with http_session() as http:
        await register(app.url, http, 'alice')
        cookies = await asyncio.gather(*(log_in(app.url, http, 'alice') for _ in range(20)))
        assert len(set(cookies)) == 20  # each browser its own new session
        statuses = await asyncio.gather(*(page_status(app.url, http, cookie) for cookie in cookies))
        assert set(statuses) == {(200, None)}
    assert 'Traceback' not in app.log()
