"""Synthetic NiceGUI tabs: what a browser tab does on the wire, without a browser.

A `Tab` loads a page over HTTP (keeping the `session` cookie like a browser), reads the element tree and the
socket query that NiceGUI embeds in the HTML (`parseElements(String.raw`...`)` and `query: {...}` in
templates/index.html), and connects with python-socketio to `/_nicegui_ws/socket.io` with the query nicegui.js
sends: `client_id`, `next_message_id`, `implicit_handshake`, a fresh `document_id` and `tab_id`. The server's
`_on_connect` does the handshake from that query (nicegui.py `_on_handshake`).

From then on it speaks the same messages as nicegui.js:
- a click or an input change is an `event` message `{id, client_id, listener_id, args}`; each arg is
  JSON-encoded on its own (`stringifyEventArgs`): a button's click sends `args: []`, an input's
  `update:value` sends `args: ['"the value"']`;
- every server message carries `_id`; replays below `next_message_id` are dropped, and every 3 s an `ack`
  `{client_id, next_message_id}` lets the server prune its history (nicegui.js `ack()`);
- `update` messages map element ids to the element's full dict (or null when deleted).

Only elements with a `data-testid` (the app's stable hooks) are kept: that is all a scripted user needs, and
1000 tabs in one process must stay light.
"""
from __future__ import annotations

import ast
import asyncio
import random
import re
import time
import uuid
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import urlencode

import aiohttp
import orjson
import socketio

from .app_process import PASSWORD
from .report import gather_limited

SOCKET_PATH = '/_nicegui_ws/socket.io'
SEARCH = 'directory-search'  # the directory's search box
ACK_INTERVAL = 3.0  # nicegui.js: setInterval(() => ack(), 3000)
RELOADED = 'reloaded'  # the event `Tab.on_message` is told after the page was loaded again
_ELEMENTS = re.compile(r'parseElements\(String\.raw`(.*?)`\)', re.S)
_QUERY = re.compile(r'^\s*query: (\{.*\}),\s*$', re.M)
_UNESCAPE = (('&#36;', '$'), ('&#96;', '`'), ('&gt;', '>'), ('&lt;', '<'), ('&amp;', '&'))  # parseElements()


class OrjsonCodec:
    """The `json` interface python-socketio wants, backed by orjson like NiceGUI's server."""

    @staticmethod
    def dumps(obj: Any, **_: Any) -> str:
        return orjson.dumps(obj).decode()

    @staticmethod
    def loads(text: str | bytes, **_: Any) -> Any:
        return orjson.loads(text)


class PageError(RuntimeError):
    """A page did not load or a tab did not reach the state the benchmark waits for."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


def http_session() -> aiohttp.ClientSession:
    """One HTTP and WebSocket session shared by many tabs; each tab keeps its own cookie."""
    # No connection limit: every open websocket holds a connection of the pool.
    return aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0), cookie_jar=aiohttp.DummyCookieJar(),
                                 timeout=aiohttp.ClientTimeout(total=120))


def _is_hooked(element: dict) -> bool:
    props = element.get('props')
    return bool(props) and 'data-testid' in props


def _key(element: dict) -> str:
    props = element['props']
    return props['data-testid']


class Tab:
    """One browser tab of one user (one NiceGUI client) driven over NiceGUI's socket.io protocol."""

    def __init__(self, base_url: str, http: aiohttp.ClientSession, cookie: str | None = None, name: str = '') -> None:
        self.base_url = base_url.rstrip('/')
        self.http = http
        self.cookie = cookie
        self.name = name
        self.headers: dict[str, str] = {}  # sent with the page request and the socket's, e.g. Origin
        self.client_id = ''
        self.elements: dict[int, dict] = {}  # the hooked elements only
        self.by_key: dict[str, dict[int, dict]] = {}  # data-testid -> {element id: element}
        self.navigated_to: str | None = None
        self.messages = 0
        self.message_bytes = 0
        self.count_bytes = False  # re-encoding every message to count bytes costs CPU: only when asked
        self.page_bytes = 0
        self.page_elements = 0
        self.last_message_at = 0.0
        self.next_message_id = 0
        self._acked_message_id = -1
        self._waiters: list[tuple[Callable[[Tab], bool], asyncio.Future[float]]] = []
        self.on_message: Callable[[Tab, str, float], None] | None = None
        self.sio: socketio.AsyncClient | None = None
        self.drops = 0  # sockets that went away without close(): e.g. the server missed its ping deadline
        self.reconnects = 0  # ... and came back to the same client, as socket.io-client does
        self.reloads = 0  # ... or found the client deleted, so the page was loaded again, as nicegui.js does
        self.lost = False
        self.search_text: str | None = None  # the last search typed: a reloaded page gets it typed again
        self._unsent: list[dict] = []  # events fired while the socket was down (socket.io-client buffers them too)
        self._reconnecting: asyncio.Task | None = None
        self.path = '/'
        self._params: dict[str, str] = {}
        self._closing = False
        self._reloading = False
        self.connecting_at = 0.0  # when the websocket connect started: the moment this tab tries to count
        self.retries = 0  # page loads NiceGUI answered with HTTP 500 (not built within its response timeout)

    # ---- loading and connecting ----
    async def open(self, path: str, timeout: float = 60) -> None:
        """GET the page (no redirects: a redirect means no session) and connect its socket."""
        headers = {**self.headers, **({'Cookie': f'session={self.cookie}'} if self.cookie else {})}
        async with self.http.get(self.base_url + path, headers=headers, allow_redirects=False) as response:
            text = await response.text()
            if 'session' in response.cookies:
                self.cookie = response.cookies['session'].value
            if response.status != 200:
                where = response.headers.get('location', '')
                raise PageError(f'{self.name} GET {path}: HTTP {response.status} {where}', response.status)
        elements_match, query_match = _ELEMENTS.search(text), _QUERY.search(text)
        if not elements_match or not query_match:
            raise PageError(f'{self.name} GET {path}: not a NiceGUI page')
        raw = elements_match.group(1)
        for escaped, plain in _UNESCAPE:
            raw = raw.replace(escaped, plain)
        elements = orjson.loads(raw)
        self.page_bytes, self.page_elements = len(text), len(elements)
        self.elements.clear()
        self.by_key.clear()
        self._apply(elements)
        if self._waiters:  # a reloaded page may already show what someone waits for (e.g. a ringing banner)
            self._check_waiters(time.perf_counter())
        query = ast.literal_eval(query_match.group(1))  # rendered as a Python dict literal into the template
        self.client_id = query['client_id']
        self.next_message_id = int(query['next_message_id'])
        params = {key: ('true' if value else 'false') if isinstance(value, bool) else str(value)
                  for key, value in query.items()}
        params.update(document_id=str(uuid.uuid4()), tab_id=str(uuid.uuid4()))  # as nicegui.js adds them
        self.path, self._params = path, params
        self.connecting_at = time.perf_counter()
        await self._connect(timeout)

    async def follow(self, path: str) -> str | None:
        """GET `path` as a browser does when the page sends it there (no page, no socket), keeping a new `session`
        cookie; returns where it redirects to."""
        headers = {**self.headers, **({'Cookie': f'session={self.cookie}'} if self.cookie else {})}
        async with self.http.get(self.base_url + path, headers=headers, allow_redirects=False) as response:
            if 'session' in response.cookies:
                self.cookie = response.cookies['session'].value
            return response.headers.get('location')

    async def _connect(self, timeout: float = 60) -> None:
        # A long request timeout: a busy server may take seconds to accept the websocket (that is measured, not fatal).
        sio = socketio.AsyncClient(reconnection=False, handle_sigint=False, json=OrjsonCodec, http_session=self.http,
                                   request_timeout=120)
        sio.on('*', self._receive)
        sio.on('disconnect', self._disconnected)
        try:
            await sio.connect(f'{self.base_url}?{urlencode(self._params)}', transports=['websocket'],
                              socketio_path=SOCKET_PATH, wait_timeout=timeout, headers=self.headers)
        except BaseException:
            await sio.disconnect()  # failed half-way, its socket may be open and count its user as online
            raise
        self.sio = sio

    @property
    def dropped(self) -> bool:
        return self.drops > 0

    def _disconnected(self, *_: Any) -> None:
        if not self._closing and not self._reloading:
            self.drops += 1
            self._reconnecting = asyncio.get_running_loop().create_task(self._reconnect())

    async def _reconnect(self) -> None:
        """What nicegui.js does after a lost socket: reconnect to the same client with the current message id
        (socket.io-client waits 0.5 to 1.5 s first); if the server has deleted the client, reload the page,
        and keep trying while the server is too busy to answer (a user would keep reloading too)."""
        for _attempt in range(2):
            await asyncio.sleep(random.uniform(0.5, 1.5))
            if self._closing:
                return
            self._params['next_message_id'] = str(self.next_message_id)
            try:
                await self._connect()
            except (socketio.exceptions.ConnectionError, aiohttp.ClientError, TimeoutError):
                continue  # refused (the client is gone) or no answer: try once more, then reload
            self.reconnects += 1
            unsent, self._unsent = self._unsent, []
            for message in unsent:
                await self.sio.emit('event', message)
            return
        await self._reload()

    async def _reload(self) -> None:
        """Load the page again (a new client), type the last search again; keep trying while the server is busy."""
        self._unsent.clear()  # a reloaded page forgets them
        self._reloading = True  # the old socket goes away on purpose: not a drop to reconnect
        try:
            if self.sio is not None and self.sio.connected:
                await self.sio.disconnect()  # runs the disconnect handler before it returns
        finally:
            self._reloading = False  # a drop of the new page's socket is a drop again
        for attempt in range(10):
            if self._closing:
                return
            self.reloads += 1
            try:
                await self.open(self.path)
                if self.search_text:
                    await search_directory(self, self.search_text)
                if self.on_message is not None:  # the new page may show news without any message after it
                    self.on_message(self, RELOADED, time.perf_counter())
                return
            except (PageError, socketio.exceptions.ConnectionError, aiohttp.ClientError, TimeoutError):
                await asyncio.sleep(1.0 + attempt)
        self.lost = True  # counted; the benchmark's waits on this tab time out and say so

    async def close(self) -> None:
        """Drop the socket, as closing the browser tab does."""
        self._closing = True
        if self._reconnecting is not None:
            self._reconnecting.cancel()
        if self.sio is not None:
            await self.sio.disconnect()

    @property
    def connected(self) -> bool:
        return self.sio is not None and self.sio.connected

    # ---- receiving ----
    def _receive(self, event: str, data: Any = None) -> None:
        now = time.perf_counter()
        self.messages += 1
        if self.count_bytes:
            self.message_bytes += len(orjson.dumps(data))
        if isinstance(data, dict) and '_id' in data:
            message_id = data.pop('_id')
            if message_id < self.next_message_id:
                return  # a replay that nicegui.js drops too
            self.next_message_id = message_id + 1
        if event == 'update':
            self._apply(data)
        elif event == 'open':
            self.navigated_to = data.get('path')
        elif event == 'run_javascript' and 'location.reload()' in data.get('code', '') and \
                not (self._closing or self._reloading):
            # The server could not replay what this tab missed (outbox rewind failed): nicegui.js reloads.
            self._reconnecting = asyncio.get_running_loop().create_task(self._reload())
        self.last_message_at = now
        if self._waiters:
            self._check_waiters(now)
        if self.on_message is not None:
            self.on_message(self, event, now)

    def _apply(self, updates: dict[str, dict | None]) -> None:
        for key, element in updates.items():
            element_id = int(key)
            old = self.elements.pop(element_id, None)
            if old is not None:
                found = self.by_key.get(_key(old))
                if found is not None:
                    found.pop(element_id, None)
                    if not found:
                        del self.by_key[_key(old)]
            if element is not None and _is_hooked(element):
                self.elements[element_id] = element
                self.by_key.setdefault(_key(element), {})[element_id] = element

    def _check_waiters(self, now: float) -> None:
        waiting = []
        for predicate, future in self._waiters:
            if future.done():
                continue  # timed out and cancelled
            if predicate(self):
                future.set_result(now)
            else:
                waiting.append((predicate, future))
        self._waiters = waiting

    # ---- reading the page ----
    def has(self, key: str) -> bool:
        return key in self.by_key

    def count(self, key: str) -> int:
        return len(self.by_key.get(key, ()))

    def find(self, key: str) -> tuple[int, dict]:
        found = self.by_key.get(key)
        if not found:
            raise PageError(f'{self.name}: no element {key!r} on {sorted(self.by_key)[:30]}')
        return next(iter(found.items()))

    def text(self, key: str) -> str | None:
        found = self.by_key.get(key)
        return next(iter(found.values())).get('text') if found else None

    def keys(self, prefix: str) -> Iterable[str]:
        return (key for key in self.by_key if key.startswith(prefix))

    # ---- acting ----
    async def fire(self, key: str, event_type: str, args: list[str]) -> float:
        """Send a DOM event of the element `key` like nicegui.js's `emit`; returns the send time."""
        element_id, element = self.find(key)
        listener = next((listener for listener in element.get('events', ()) if listener['type'] == event_type), None)
        if listener is None:
            raise PageError(f'{self.name}: {key!r} has no {event_type!r} listener')
        message = {'id': element_id, 'client_id': self.client_id, 'listener_id': listener['listener_id'], 'args': args}
        sent = time.perf_counter()
        if self.connected:
            await self.sio.emit('event', message)
        else:
            self._unsent.append(message)
        return sent

    async def click(self, key: str) -> float:
        return await self.fire(key, 'click', [])  # a button's click listener asks for no event args

    async def type(self, key: str, value: str) -> float:
        """Set an input's value as typing does: its `update:<value prop>` event (`update:value` for ui.input)."""
        _, element = self.find(key)
        event_type = next((listener['type'] for listener in element.get('events', ())
                           if listener['type'].startswith('update:')), 'update:modelValue')
        if key == SEARCH:
            self.search_text = value
        return await self.fire(key, event_type, [orjson.dumps(value).decode()])

    async def ack(self) -> None:
        if self.connected and self._acked_message_id < self.next_message_id:
            self._acked_message_id = self.next_message_id
            await self.sio.emit('ack', {'client_id': self.client_id, 'next_message_id': self.next_message_id})

    # ---- waiting ----
    def expect(self, predicate: Callable[[Tab], bool]) -> asyncio.Future[float]:
        """A future for the receive time of the first message after which `predicate(tab)` holds.

        Create it before acting, so a fast reply cannot slip through; if it holds already, it resolves now.
        """
        future: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        if predicate(self):
            future.set_result(time.perf_counter())
        else:
            self._waiters.append((predicate, future))
        return future

    async def wait_for(self, predicate: Callable[[Tab], bool], timeout: float = 30, what: str = '') -> float:
        try:
            return await asyncio.wait_for(self.expect(predicate), timeout)
        except TimeoutError:
            raise PageError(f'{self.name}: waited {timeout} s for {what or predicate}; '
                            f'page has {sorted(self.by_key)[:40]}') from None


async def ack_forever(tabs: Callable[[], Iterable[Tab]], interval: float = ACK_INTERVAL) -> None:
    """One loop acks for every tab (nicegui.js acks from each tab every 3 s)."""
    while True:
        await asyncio.sleep(interval)
        await asyncio.gather(*(tab.ack() for tab in list(tabs())), return_exceptions=True)


# ---- the app's pages, driven exactly as a user in a browser would ----
def _left_or_refused(tab: Tab) -> bool:
    return tab.navigated_to is not None or bool(tab.text('auth-error'))


async def register(base_url: str, http: aiohttp.ClientSession, username: str, password: str = PASSWORD) -> str:
    """Create an account through /register; returns the session cookie (the user is logged in)."""
    tab = Tab(base_url, http, name=username)
    await tab.open('/register')
    try:
        await tab.type('register-username', username)
        await tab.type('register-password', password)
        await tab.type('register-password-confirm', password)
        await tab.click('register-submit')
        await tab.wait_for(_left_or_refused,
                           timeout=60, what='the dashboard after registering')
        if tab.navigated_to is None:
            raise PageError(f'{username}: register refused: {tab.text("auth-error")}')
        await _arrive(tab)
    finally:
        await tab.close()
    return tab.cookie


async def log_in(base_url: str, http: aiohttp.ClientSession, username: str, password: str = PASSWORD) -> str:
    """Sign in through /login; returns the session cookie."""
    tab = Tab(base_url, http, name=username)
    await tab.open('/login')
    try:
        await tab.type('login-username', username)
        await tab.type('login-password', password)
        await tab.click('login-submit')
        await tab.wait_for(_left_or_refused,
                           timeout=60, what='the dashboard after logging in')
        if tab.navigated_to is None:
            raise PageError(f'{username}: login refused: {tab.text("auth-error")}')
        await _arrive(tab)
    finally:
        await tab.close()
    return tab.cookie


async def _arrive(tab: Tab) -> None:
    """Follow the sign-in's hop (a new session cookie), then make this browser id's first request at once, as a
    browser does: the sign-in holds from that request (ui/session.py `arrive`), so a dashboard opened minutes
    later is still signed in. The favicon stands in for the page the hop sends to: a page built here would wait
    60 s for a socket that never comes."""
    await tab.follow(tab.navigated_to)
    await tab.follow('/favicon.ico')


HIDE = '~'  # a search no username matches (usernames are [A-Za-z0-9_.-]): the directory renders no rows


async def open_dashboard(base_url: str, http: aiohttp.ClientSession, username: str, cookie: str,
                         search: str | None = None, retries: int = 5) -> Tab:
    """Open `/` for a logged-in user and connect it; presence counts the tab from this connect.

    A page that NiceGUI could not build within its response timeout (HTTP 500, "Response for / not ready")
    is asked for again, as a user would reload it; `tab.retries` counts those. With `search`, the tab then
    types it into "Search people" and waits until the directory shows the result.
    """
    first_connect = 0.0
    for attempt in range(retries + 1):
        tab = Tab(base_url, http, cookie=cookie, name=username)
        try:
            await tab.open('/')
            break
        except (PageError, socketio.exceptions.ConnectionError) as error:
            if getattr(error, 'status', 500) != 500 or attempt == retries:
                raise
            # A socket that failed here may still have counted on the busy server: the change is timed from it.
            first_connect = first_connect or tab.connecting_at
            await asyncio.sleep(0.5)
    tab.retries = attempt
    tab.connecting_at = first_connect or tab.connecting_at
    if tab.text('me') != username:
        raise PageError(f'{username}: the dashboard shows me={tab.text("me")!r}')
    if search is not None:
        await search_directory(tab, search)
    return tab


async def search_directory(tab: Tab, text: str, until: Callable[[Tab], bool] | None = None,
                           timeout: float = 120) -> None:
    """Type `text` into "Search people" and wait until the directory answers: by default until every row
    matches (no rows for `HIDE`); pass `until` when that holds already (e.g. clearing the search)."""
    needle = text.strip().lower()

    def shows_matches(t: Tab) -> bool:
        rows = [key[len('user-'):] for key in t.keys('user-')]
        return not rows if needle == HIDE else bool(rows) and all(needle in row.lower() for row in rows)

    # An event sent just as the server dropped the socket is lost (in a browser too, where the user would
    # type again): if the answer does not come, type it again (the same value again changes nothing).
    answered = tab.expect(until or shows_matches)
    deadline = time.perf_counter() + timeout
    while True:
        await tab.type(SEARCH, text)
        try:
            await asyncio.wait_for(asyncio.shield(answered), min(15.0, max(0.1, deadline - time.perf_counter())))
            return
        except TimeoutError:
            if time.perf_counter() >= deadline:
                answered.cancel()
                raise PageError(f'{tab.name}: the directory did not answer the search {text!r} in {timeout} s '
                                f'(drops={tab.drops}, reloads={tab.reloads}, lost={tab.lost}, '
                                f'rows={statuses(tab)})') from None


async def sign_in_all(base_url: str, http: aiohttp.ClientSession, names: list[str], registered: list[str],
                      concurrency: int = 16) -> dict[str, str]:
    """Session cookies for `names`: `registered` sign up through /register, the others sign in through /login."""
    cookies = dict(zip(registered, await gather_limited(
        (register(base_url, http, name) for name in registered), concurrency), strict=True))
    others = [name for name in names if name not in cookies]
    cookies.update(zip(others, await gather_limited(
        (log_in(base_url, http, name) for name in others), concurrency), strict=True))
    return cookies


async def open_dashboards(base_url: str, http: aiohttp.ClientSession, cookies: dict[str, str], names: list[str],
                          concurrency: int = 4, search: Callable[[str], str | None] = lambda _name: None
                          ) -> list[Tab]:
    """Open dashboards a few at a time: every arrival is a presence change that every open directory applies
    (the app's presence fan-out), so a wide herd of arrivals would stall the server past its ping timeout."""
    return await gather_limited((open_dashboard(base_url, http, name, cookies[name], search=search(name))
                                 for name in names), concurrency)


async def open_pages(base_url: str, http: aiohttp.ClientSession, paths: dict[str, str], concurrency: int = 16
                     ) -> list[Tab]:
    """One tab per name on a page that needs no login (the bare NiceGUI floors), `concurrency` at a time."""
    tabs = [Tab(base_url, http, name=name) for name in paths]
    await gather_limited((tab.open(path) for tab, path in zip(tabs, paths.values(), strict=True)), concurrency)
    return tabs


async def hold_presence(base_url: str, http: aiohttp.ClientSession, cookies: dict[str, str], names: list[str]
                        ) -> list[Tab]:
    """One hidden dashboard per user (a search nobody matches), so that every user is online.

    Every arrival of a user is a presence change that every open directory applies (see bench/README.md);
    with everyone online first, the dashboards a benchmark measures then arrive without a single presence
    change.
    """
    return await open_dashboards(base_url, http, cookies, names, search=lambda _name: HIDE)


def statuses(tab: Tab) -> dict[str, str]:
    """The presence badges the tab's directory renders: {username: text}.

    A directory row is one element (ui/components/person_row.py): `user-NAME`, its text the presence."""
    return {key[len('user-'):]: tab.text(key) for key in tab.keys('user-')}
