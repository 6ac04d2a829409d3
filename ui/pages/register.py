"""/register: choose a username and a password; on success the new user lands on the dashboard."""
from __future__ import annotations

from nicegui import ui
from starlette.requests import Request

from backend.accounts import AccountError, password_problem, username_problem
from backend.services import Services
from backend.shared_sign_ins import SignInsUnavailable

from ..components.auth_frame import auth_frame, show_error
from ..password_work import PasswordWork
from ..session import SIGN_IN_PAUSED, current_username, log_in
from ..testids import hook


def register_page(services: Services, passwords: PasswordWork) -> None:
    @ui.page('/register')
    def page(request: Request) -> None:
        try:
            if current_username() is not None:
                ui.navigate.to('/')
                return
        except SignInsUnavailable:  # registering needs no sign-in check: the database takes the account
            pass

        address = request.client.host if request.client else ''  # behind a proxy: from X-Forwarded-For

        async def submit() -> None:
            name = username.value.strip()  # e.g. a trailing space from autofill
            problem = username_problem(name) or password_problem(password.value)
            if problem is None and password.value != confirm.value:
                problem = 'The two passwords do not match.'
            if problem:
                show_error(error, problem)
                return
            button.disable()
            try:
                account = await passwords.run(services.accounts.register, name, password.value, address)
            except AccountError as refusal:
                show_error(error, str(refusal))
                return
            finally:
                button.enable()
            services.directory.add(account)
            try:
                log_in(account.username)  # on to the dashboard, with a new session id
            except SignInsUnavailable:
                show_error(error, f'Your account is created. {SIGN_IN_PAUSED}')

        with auth_frame('Create an account', services.settings) as error:
            username = hook(ui.input('Username', placeholder='3-32 letters, digits, . _ -')
                            .props('autofocus autocomplete=username'), 'register-username')
            password = hook(ui.input('Password', placeholder='8 to 72 characters', password=True,
                                     password_toggle_button=True).props('autocomplete=new-password'),
                            'register-password')
            confirm = hook(ui.input('Repeat password', password=True).props('autocomplete=new-password'),
                           'register-password-confirm')
            confirm.on('keydown.enter', submit)
            button = hook(ui.button('Create account', on_click=submit), 'register-submit')
            with ui.row().classes('text-sm gap-1'):
                ui.label('Have an account?')
                ui.link('Sign in', '/login')
