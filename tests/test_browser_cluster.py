"""A real Chromium through the real HAProxy of deploy/ in front of two processes sharing Redis and PostgreSQL
(tests/cluster.py): a sign-in holds when the browser is moved to the other process, a sign-out there holds on the
first one too, and accounts and history outlive a restart of every process."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .browser import by_testid, log_in, register
from .cluster import STICKY_COOKIE, Cluster

pytestmark = pytest.mark.browser


def cookie(context, name: str) -> str:
    [value] = [item['value'] for item in context.cookies() if item['name'] == name]
    return value


def sessions_on(cluster: Cluster, process: str) -> int:
    return int(cluster.proxy.server_stats()[process]['stot'])


def test_a_sign_in_moves_with_the_browser_and_everything_outlives_a_restart(cluster: Cluster, chromium):
    others = chromium.new_context()
    register(others.new_page(), cluster.url, 'bob')
    others.close()  # bob has no open tab: a call to him ends at once, in both histories
    context = chromium.new_context()
    page = context.new_page()
    register(page, cluster.url, 'alice')
    expect(by_testid(page, 'status-bob')).to_have_text('offline', timeout=30_000)  # his tab may be on the other process
    by_testid(page, 'call-bob').click()
    expect(by_testid(page, 'call-notice')).to_have_text('bob is offline')
    expect(by_testid(page, 'history-item')).to_have_count(1)

    first = cookie(context, STICKY_COOKIE)  # the process the proxy chose, app1 or app2
    second = 1 if first == 'app1' else 0
    before = sessions_on(cluster, f'app{second + 1}')
    context.add_cookies([cluster.sticky_cookie(second)])  # as if the proxy had moved this browser
    page.reload()
    expect(by_testid(page, 'me')).to_have_text('alice')  # still signed in, on the other process
    expect(by_testid(page, 'history-item')).to_have_count(1)
    assert sessions_on(cluster, f'app{second + 1}') > before

    signed_in = cookie(context, 'session')
    by_testid(page, 'logout').click()
    expect(page).to_have_url(re.compile(r'/login$'))
    # Back on the first process with the session cookie of before the sign-out: it is signed out there too.
    context.add_cookies([{'name': 'session', 'value': signed_in, 'url': cluster.url},
                         {'name': STICKY_COOKIE, 'value': first, 'url': cluster.url}])
    page.goto(cluster.url + '/')
    expect(page).to_have_url(re.compile(r'/login$'))

    cluster.restart()  # every process; PostgreSQL keeps the accounts and the history
    log_in(page, cluster.url, 'alice')
    expect(by_testid(page, 'history-item')).to_have_count(1)
    expect(by_testid(page, 'history-item')).to_contain_text('bob')
    context.close()
    for app in cluster.apps:
        assert 'Traceback' not in app.log()
