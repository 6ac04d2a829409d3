"""/login: username and password; one message for any wrong pair, slowed down after repeated failures. With several
processes, while Redis (where the sign-ins are) does not answer, the page says that signing in is paused, and reloads
once it is back (a browser still signed in then goes on to the dashboard)."""
from __future__ import annotations

from nicegui import ui
from starlette.requests import Request

from backend.accounts import AccountError
from backend.services import Services
from backend.shared_sign_ins import SignInsUnavailable

from ..components.auth_frame import auth_frame, show_error
from ..components.demo_people import demo_sign_in_buttons
from ..live_updates import LiveUpdates
from ..password_work import PasswordWork
from ..session import SIGN_IN_PAUSED, current_username, log_in
from ..testids import hook


def login_page(services: Services, passwords: PasswordWork, live: LiveUpdates) -> None:
    @ui.page('/login')
    def page(request: Request) -> None:
        try:
            if current_username() is not None:
                ui.navigate.to('/')
                return
            paused = live.is_reconnecting
        except SignInsUnavailable:
            paused = True

        address = request.client.host if request.client else ''  # behind a proxy: from X-Forwarded-For

        async def submit() -> None:
            if not username.value or not password.value:
                show_error(error, 'Please enter your username and password.')
                return
            button.disable()
            try:
                account = await passwords.run(services.accounts.login, username.value.strip(), password.value, address)
            except AccountError as refusal:
                show_error(error, str(refusal))
                password.value = ''
                return
            finally:
                button.enable()
            sign_in(account.username)

        def sign_in_as(demo_person: str) -> None:
            account = services.directory.get(demo_person)  # created at start-up, from DEMO_USERS
            if account is not None:
                sign_in(account.username)

        def sign_in(username: str) -> None:
            try:
                log_in(username)  # on to the dashboard, with a new session id
            except SignInsUnavailable:
                say_paused(True)

        def say_paused(lost: bool) -> None:
            nonlocal paused
            if lost:
                show_error(error, SIGN_IN_PAUSED)
            elif paused:
                ui.navigate.reload()  # afresh: on to the dashboard if this browser is still signed in
            paused = lost

        with auth_frame('Sign in', services.settings) as error:
            username = hook(ui.input('Username').props('autofocus autocomplete=username'), 'login-username')
            password = hook(ui.input('Password', password=True, password_toggle_button=True)
                            .props('autocomplete=current-password'), 'login-password')
            password.on('keydown.enter', submit)
            button = hook(ui.button('Sign in', on_click=submit), 'login-submit')
            with ui.row().classes('text-sm gap-1'):
                ui.label('New here?')
                ui.link('Create an account', '/register')
            demo_sign_in_buttons(services.settings, sign_in_as)
        if paused:
            show_error(error, SIGN_IN_PAUSED)
        live.reconnecting.subscribe(say_paused)
