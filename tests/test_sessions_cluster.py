"""Sign-ins across processes (tests/cluster.py: two `python main.py` sharing Redis and PostgreSQL), by scripted
clients that speak the pages' own protocol (bench/nicegui_client.py) to each process directly, as the proxy would
send a browser to one or the other: a sign-in made through one process holds on the other, a sign-out or a
password change through one ends it on both (and the open pages there), a sign-in ticket works once wherever it
is used, and an account made through one process is in the other's directory."""
from __future__ import annotations

from bench.app_process import PASSWORD
from bench.nicegui_client import Tab, http_session, log_in, open_dashboard, register

from .cluster import Cluster
from .test_sessions_scripted import page_status


async def test_a_sign_in_holds_on_the_other_process_and_a_sign_out_there_ends_it_on_both(cluster: Cluster):
    one, two = (app.url for app in cluster.apps)
    async with http_session() as http:
        cookie = await register(one, http, 'alice')
        assert await page_status(two, http, cookie) == (200, None)  # made through one, holds on two
        here = await open_dashboard(one, http, 'alice', cookie)
        there = await open_dashboard(two, http, 'alice', cookie)  # its directory has alice, made through one
        try:
            await there.click('logout')
            await there.wait_for(lambda tab: tab.navigated_to is not None, what='the sign-out')
            await here.wait_for(lambda tab: tab.navigated_to == '/login', what='the page on the other process ended')
            assert await page_status(one, http, cookie) == (307, '/login')
            assert await page_status(two, http, cookie) == (307, '/login')
        finally:
            for tab in (here, there):
                await tab.close()


async def test_a_password_change_through_one_process_signs_out_the_other_browsers_on_both(cluster: Cluster):
    one, two = (app.url for app in cluster.apps)
    async with http_session() as http:
        changing = await register(one, http, 'alice')
        other = await log_in(two, http, 'alice')  # another browser, through the other process
        elsewhere = await open_dashboard(two, http, 'alice', other)
        account = Tab(one, http, cookie=changing, name='alice')
        await account.open('/account')
        try:
            await account.type('password-current', PASSWORD)
            await account.type('password-new', 'a new password 2')
            await account.click('password-save')
            await elsewhere.wait_for(lambda tab: tab.navigated_to == '/login', what='the other browser sent away')
            assert await page_status(two, http, other) == (307, '/login')
            assert await page_status(one, http, other) == (307, '/login')
            assert await page_status(two, http, changing) == (200, None)  # the browser that changed it stays
        finally:
            await account.close()
            await elsewhere.close()


async def test_a_sign_in_ticket_made_by_one_process_works_once_on_either(cluster: Cluster):
    one, two = (app.url for app in cluster.apps)
    async with http_session() as http:
        await register(one, http, 'alice')
        tab = Tab(one, http, name='alice')
        await tab.open('/login')
        await tab.type('login-username', 'alice')
        await tab.type('login-password', PASSWORD)
        await tab.click('login-submit')
        await tab.wait_for(lambda t: t.navigated_to is not None, what='the sign-in')
        await tab.close()
        hop = tab.navigated_to
        tab.base_url = two  # the hop reaches the other process
        assert await tab.follow(hop) == '/'
        assert await page_status(two, http, tab.cookie) == (200, None)
        signed_in = tab.cookie
        tab.base_url = one
        assert await tab.follow(hop) == '/'  # used once: a second use, on the first process, changes nothing
        assert tab.cookie == signed_in


async def test_an_account_made_through_one_process_is_in_the_other_process_directory(cluster: Cluster):
    one, two = (app.url for app in cluster.apps)
    async with http_session() as http:
        alice = await open_dashboard(one, http, 'alice', await register(one, http, 'alice'))
        try:
            await register(two, http, 'bob')
            await alice.wait_for(lambda tab: tab.has('user-bob'), what='bob in the directory on the other process')
        finally:
            await alice.close()


async def test_with_redis_lost_a_sign_in_check_sends_to_the_login_page_and_a_password_change_waits_for_it(
        start_cluster):
    cluster = start_cluster(redis_on_disk=True)  # a deployed Redis keeps its sign-ins
    one, two = (app.url for app in cluster.apps)
    async with http_session() as http:
        changing = await register(one, http, 'alice')
        other = await log_in(two, http, 'alice')
        elsewhere = await open_dashboard(two, http, 'alice', other)
        account = Tab(one, http, cookie=changing, name='alice')
        await account.open('/account')
        try:
            cluster.redis.stop()
            assert await page_status(two, http, other) == (307, '/login')  # not an error page: the login page says why
            await account.type('password-current', PASSWORD)
            await account.type('password-new', 'a new password 2')
            await account.click('password-save')
            await account.wait_for(lambda tab: (tab.text('account-notice') or '').startswith('Password changed'),
                                   what='the password changed')
            cluster.start_redis_again()
            await elsewhere.wait_for(lambda tab: tab.navigated_to == '/login', what='the other browser sent away')
            assert await page_status(two, http, other) == (307, '/login')
            assert await page_status(two, http, changing) == (200, None)  # kept through the outage
        finally:
            await account.close()
            await elsewhere.close()
    for app in cluster.apps:
        assert 'Traceback' not in app.log(), app.log()
