"""Several processes behind the real HAProxy of deploy/ (tests/cluster.py): the proxy checks each process's health,
keeps a browser on one process by a cookie of its own (never ringboard's `session` cookie), passes the websocket
on, and a browser whose process is gone goes on through another."""
from __future__ import annotations

import urllib.request

from .cluster import STICKY_COOKIE, Cluster


def get(cluster: Cluster, path: str, cookie: str = '') -> urllib.request.addinfourl:
    request = urllib.request.Request(cluster.url + path, headers={'Cookie': cookie} if cookie else {})
    return urllib.request.urlopen(request, timeout=10)


def sessions_per_process(cluster: Cluster) -> dict[str, int]:
    return {name: int(fields['stot']) for name, fields in cluster.proxy.server_stats().items()}


def test_the_proxy_keeps_a_browser_on_one_process_by_a_cookie_of_its_own(cluster: Cluster):
    first = get(cluster, '/login')
    cookies = {header.split('=', 1)[0]: header for header in first.headers.get_all('set-cookie')}
    assert set(cookies) == {'session', STICKY_COOKIE}
    assert 'httponly' in cookies[STICKY_COOKIE].lower()
    process = cookies[STICKY_COOKIE].split(';')[0].split('=', 1)[1]
    other = {'app1': 'app2', 'app2': 'app1'}[process]
    before = sessions_per_process(cluster)
    for _ in range(5):
        response = get(cluster, '/login', cookie=f'{STICKY_COOKIE}={process}')
        assert STICKY_COOKIE not in str(response.headers.get_all('set-cookie'))  # kept, not set again
    after = sessions_per_process(cluster)
    assert after[process] - before[process] == 5
    assert after[other] == before[other]


def test_the_health_check_sees_a_process_die_and_its_browsers_go_on_through_the_other(cluster: Cluster):
    assert get(cluster, '/health').read() == b'ok'
    cluster.kill(1)
    cluster.proxy.wait_until_up(servers={'app1'})
    response = get(cluster, '/login', cookie=f'{STICKY_COOKIE}=app2')  # app2 is gone: redispatched
    assert response.status == 200
    cluster.restart([1])
    assert cluster.proxy.server_states() == {'app1': 'UP', 'app2': 'UP'}
