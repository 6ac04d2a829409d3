"""Who is signed in, and every open page of each sign-in.

A sign-in lives in NiceGUI's per-browser user storage (`app.storage.user`, shared by the browser's tabs), which is
keyed by the browser id inside the signed `session` cookie. That id is replaced at every sign-in and sign-out,
through a short HTTP hop (`/session`): a cookie changes only in an HTTP response, never over a page's socket.
So a `session` cookie planted before someone signs in never becomes theirs (session fixation), and the one
they had is worth nothing after they sign out. The hop takes a one-time ticket that only the page that checked
the password was given, for that browser id.

Signing out ends the sign-in on the server and every open page of it at once: the pages are sent away, their
events are refused from that moment (`may_act`, which ui/socket_guard.py asks before every event) and their
sockets are closed a moment later, for a page that does not leave. `end_other_sign_ins` does the same for every
other browser of a user (a password change).

With `REDIS_URL` several processes serve one set of users: the sign-ins, keyed by browser id, and the hop's
tickets live in Redis (backend/shared_sign_ins.py) instead of the user storage, so a sign-in made through one
process holds on every other. Each process ends its own open pages of a sign-in that ended elsewhere within
`SWEEP_SECONDS`, by checking them all against Redis in one round trip. While Redis does not answer no sign-in can be
checked, made or ended: a page that needs one goes to the login page, which says so (`SIGN_IN_PAUSED`), and the
sign-ins are there again once Redis is back.
"""
from __future__ import annotations

import asyncio
import logging
import secrets
import time
import uuid
from collections.abc import Callable, MutableMapping
from dataclasses import dataclass

from nicegui import Client, app, background_tasks, core, run, ui
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.requests import Request
from starlette.responses import RedirectResponse

from backend.shared_sign_ins import SharedSignIns, SignInsUnavailable

from .branding import LOGO_ROUTE
from .health import HEALTH_PATH

log = logging.getLogger(__name__)

HOP_PATH = '/session'  # where a browser gets its new id, then goes on to the dashboard or the login page
OPEN_PATHS = {'/login', '/register', '/favicon.ico', LOGO_ROUTE, HOP_PATH, HEALTH_PATH}  # the login page shows the logo
HOP_SECONDS = 30.0  # a ticket, and a new browser id's sign-in, wait this long to be used
CLOSE_AFTER = 1.0  # seconds an ended page has to go to /login before its socket is closed
SIGNED_OUT = 'signed_out'  # app.storage.general: username -> when every earlier sign-in of it ended
SWEEP_SECONDS = 1.0  # with REDIS_URL: how often a process looks for its pages of sign-ins ended elsewhere
SIGN_IN_PAUSED = ('Signing in is briefly unavailable while the server reconnects. Nothing is lost: '
                  'try again in a moment.')
SIGN_OUT_PAUSED = 'Signing out is briefly unavailable while the server reconnects: try again in a moment.'


@dataclass(frozen=True)
class SignedInPage:
    browser: str  # the browser id the page was built for
    username: str
    storage: MutableMapping  # that browser's user storage, where the sign-in lives (in this process)


class SignIns:
    def __init__(self) -> None:
        self._tickets: dict[str, tuple[str, str, float]] = {}  # ticket -> (browser id, username or '', expiry)
        self._arriving: dict[str, tuple[str, float]] = {}  # new browser id -> (username, expiry)
        self._pages: dict[str, SignedInPage] = {}  # client id -> each open page of a sign-in
        self._ended: set[str] = set()  # pages whose sign-in ended, until NiceGUI deletes them
        self._shared: SharedSignIns | None = None
        self._owed: dict[str, str | None] = {}  # username -> browser kept: other sign-ins to end once Redis answers

    def share(self, shared: SharedSignIns) -> None:
        """With REDIS_URL: keep the sign-ins and tickets in Redis, for every process."""
        self._shared = shared

    # ---- in a page or its events ----
    def current_username(self) -> str | None:
        """Raises `SignInsUnavailable` while the shared sign-ins (Redis) do not answer."""
        if self._shared is not None:
            return self._shared.username(app.storage.browser.get('id', ''))
        stored = app.storage.user
        username = stored.get('username')
        if username is None or stored.get('since', 0.0) < app.storage.general.get(SIGNED_OUT, {}).get(username, 0.0):
            return None
        return username

    def page_user(self, client: Client) -> str | None:
        """The signed-in user of the page being built; the page then ends with the sign-in. None also while the
        shared sign-ins do not answer: the page goes to the login page, which says so."""
        try:
            username = self.current_username()
        except SignInsUnavailable:
            return None
        if username is not None:
            self._pages[client.id] = SignedInPage(app.storage.browser['id'], username, app.storage.user)
            client.on_delete(lambda: (self._pages.pop(client.id, None), self._ended.discard(client.id)))
        return username

    def log_in(self, username: str) -> None:
        """After the password check: on through the hop, which gives this browser a new id that is signed in.
        Raises `SignInsUnavailable` while the shared sign-ins do not answer."""
        ui.navigate.to(f'{HOP_PATH}?ticket={self._ticket(app.storage.browser["id"], username)}')

    def log_out(self) -> None:
        """End this browser's sign-in and every page of it; this page goes through the hop to a new, empty id."""
        page = self._pages.get(ui.context.client.id)
        if page is None:  # not a signed-in page
            app.storage.user.clear()
            ui.navigate.to('/login')
            return
        if self._shared is not None:
            try:
                self._shared.sign_out(page.browser)
            except SignInsUnavailable:  # still signed in everywhere: say so rather than pretend
                ui.notify(SIGN_OUT_PAUSED, type='warning')
                return
        page.storage.clear()  # now, whether or not this browser follows the hop
        self._end_pages(lambda other: other.browser == page.browser, current=ui.context.client.id)
        try:
            ui.navigate.to(f'{HOP_PATH}?ticket={self._ticket(page.browser, "")}')
        except SignInsUnavailable:  # signed out already; the browser keeps its (now empty) id
            ui.navigate.to('/login')

    def end_other_sign_ins(self, username: str) -> None:
        """Sign `username` out of every other browser (e.g. after a password change); this one stays signed in."""
        now = time.time()
        app.storage.general[SIGNED_OUT] = {**app.storage.general.get(SIGNED_OUT, {}), username: now}
        page = self._pages.get(ui.context.client.id)
        browser = page.browser if page else None
        if page is not None:
            page.storage['since'] = now
        if self._shared is not None:
            self._owed[username] = browser
            self._pay_owed()
        self._end_pages(lambda other: other.username == username and other.browser != browser,
                        current=ui.context.client.id)

    def may_act(self, client_id: str) -> bool:
        """Whether events of this page may still run (its sign-in has not ended)."""
        return client_id not in self._ended

    # ---- in HTTP requests ----
    async def hop(self, request: Request) -> RedirectResponse:
        """GET /session?ticket=...: a new browser id, signed in as the ticket says (or signed out).

        A coroutine, so the in-process tickets change only on the event loop: FastAPI runs a plain function in a
        thread, where it raced the sweep of expired tickets at a sign-in ("dictionary changed size")."""
        ticket = request.query_params.get('ticket', '')
        if self._shared is not None:
            return await run.io_bound(self._shared_hop, request, ticket)  # Redis calls block
        browser, username, expiry = self._tickets.get(ticket, ('', '', 0.0))
        if browser != request.session.get('id') or expiry < time.monotonic():
            return RedirectResponse('/', status_code=303)  # a stale, foreign or reused ticket changes nothing
        del self._tickets[ticket]
        app.storage.user.clear()
        new_id = str(uuid.uuid4())
        request.session['id'] = new_id
        if not username:
            return RedirectResponse('/login', status_code=303)
        self._arriving[new_id] = (username, time.monotonic() + HOP_SECONDS)
        return RedirectResponse('/', status_code=303)

    def _shared_hop(self, request: Request, ticket: str) -> RedirectResponse:
        old_id = request.session.get('id', '')
        try:
            username = self._shared.take_ticket(ticket, browser=old_id)
            if username is None:
                return RedirectResponse('/', status_code=303)
            self._shared.sign_out(old_id)
            new_id = str(uuid.uuid4())
            if username:
                self._shared.sign_in(new_id, username)
        except SignInsUnavailable:  # the login page says so
            return RedirectResponse('/login', status_code=303)
        request.session['id'] = new_id
        return RedirectResponse('/' if username else '/login', status_code=303)

    def arrive(self, request: Request) -> None:
        """The first request of a browser id that the hop signed in: its user storage exists only now."""
        if self._shared is not None:
            return  # the hop signed the new id in, in Redis
        username, expiry = self._arriving.pop(request.session.get('id', ''), ('', 0.0))
        if username and expiry >= time.monotonic():
            app.storage.user.update(username=username, since=time.time())

    # ---- inside ----
    def _ticket(self, browser: str, username: str) -> str:
        if self._shared is not None:
            ticket = secrets.token_urlsafe(32)
            self._shared.put_ticket(ticket, browser, username, HOP_SECONDS)
            return ticket
        now = time.monotonic()
        for tickets in (self._tickets, self._arriving):  # the ones never used: a client that did not follow
            for key in [key for key, value in tickets.items() if value[-1] < now]:
                del tickets[key]
        ticket = secrets.token_urlsafe(32)
        self._tickets[ticket] = (browser, username, now + HOP_SECONDS)
        return ticket

    def _pay_owed(self) -> None:
        """End the other sign-ins that password changes asked to end, once Redis answers (the sweep asks again)."""
        for username, keep in list(self._owed.items()):
            try:
                self._shared.sign_out_others(username, keep=keep)
            except SignInsUnavailable as error:
                log.warning('could not end the other sign-ins of %s yet: %s', username, error)
                return
            del self._owed[username]

    async def sweep(self) -> None:
        """With REDIS_URL, for good: end this process's pages whose sign-in ended through another process (and
        the other sign-ins a password change asked to end while Redis did not answer)."""
        while True:
            await asyncio.sleep(SWEEP_SECONDS)
            self._pay_owed()
            pages = {client_id: page for client_id, page in self._pages.items() if client_id not in self._ended}
            if not pages:
                continue
            try:
                signed_in = self._shared.usernames({page.browser for page in pages.values()})
            except SignInsUnavailable as error:
                log.warning('could not check the sign-ins in Redis: %s', error)
                continue
            self._end_pages(lambda page, signed_in=signed_in: signed_in[page.browser] != page.username, current=None)

    def _end_pages(self, ended: Callable[[SignedInPage], bool], current: str | None) -> None:
        """End the pages `ended` picks; all but `current` (the page of this event, if any) go to /login."""
        for client_id, page in list(self._pages.items()):
            if not ended(page) or client_id in self._ended:
                continue
            self._ended.add(client_id)
            client = Client.instances.get(client_id)
            if client is None:
                continue
            if client_id != current:
                with client:
                    ui.navigate.to('/login')
            background_tasks.create(_close_sockets(client_id), name=f'close the sockets of {client_id}')


async def _close_sockets(client_id: str) -> None:
    await asyncio.sleep(CLOSE_AFTER)
    for sid, _ in list(core.sio.manager.get_participants('/', client_id)):
        await core.sio.disconnect(sid)


sign_ins = SignIns()
current_username = sign_ins.current_username
log_in = sign_ins.log_in
log_out = sign_ins.log_out


def add_session_routes(fastapi_app) -> None:
    fastapi_app.get(HOP_PATH, include_in_schema=False)(sign_ins.hop)


class LoginRequired(BaseHTTPMiddleware):
    """Sends a visitor without a sign-in from any page to /login (NiceGUI's own files pass through)."""

    async def dispatch(self, request: Request, call_next):
        sign_ins.arrive(request)
        path = request.url.path
        if path not in OPEN_PATHS and not path.startswith('/_nicegui') and not _signed_in():
            return RedirectResponse('/login')
        return await call_next(request)


def _signed_in() -> bool:
    try:
        return current_username() is not None
    except SignInsUnavailable:  # the login page says so
        return False
