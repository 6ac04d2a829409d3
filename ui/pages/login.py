"""/login: username and password; one message for any wrong pair, slowed down after repeated failures."""
from __future__ import annotations

from nicegui import ui
from starlette.requests import Request

from backend.accounts import AccountError
from backend.services import Services

from ..components.auth_frame import auth_frame, show_error
from ..components.demo_people import demo_sign_in_buttons
from ..password_work import PasswordWork
from ..session import current_username, log_in
from ..testids import hook


def login_page(services: Services, passwords: PasswordWork) -> None:
    @ui.page('/login')
    def page(request: Request) -> None:
        if current_username() is not None:
            ui.navigate.to('/')
            return

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
            log_in(account.username)  # on to the dashboard, with a new session id

        def sign_in_as(demo_person: str) -> None:
            account = services.directory.get(demo_person)  # created at start-up, from DEMO_USERS
            if account is not None:
                log_in(account.username)

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
