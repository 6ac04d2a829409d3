"""/account: the user's display name and password, reached from the dashboard's header."""
from __future__ import annotations

from nicegui import Client, run, ui
from starlette.requests import Request

from backend.accounts import AccountError
from backend.services import Services

from ..branding import brand_mark
from ..components.demo_people import demo_banner
from ..password_work import PasswordWork
from ..session import log_out, sign_ins
from ..testids import hook
from ..theme import follow_theme


def account_page(services: Services, passwords: PasswordWork) -> None:
    @ui.page('/account')
    async def page(client: Client, request: Request) -> None:
        me = sign_ins.page_user(client)  # logging out in any tab of this browser ends this page too
        account = services.directory.get(me) if me is not None else None
        if account is None:  # e.g. a session from a database that was reset
            log_out()
            return
        address = request.client.host if request.client else ''  # wrong current passwords count as logins do
        ui.page_title(f'Account · {services.settings.app_name}')
        await follow_theme(services, me)
        demo_banner(services.settings)

        def say(text: str, *, refused: bool = False) -> None:
            notice.set_text(text)
            notice.classes(replace='text-sm ' + ('text-negative' if refused else 'text-positive'))

        async def save_name() -> None:
            save_name_button.disable()
            try:
                renamed = await run.io_bound(services.accounts.set_display_name, me, name_input.value or '')
            except AccountError as refusal:
                say(str(refusal), refused=True)
                return
            finally:
                save_name_button.enable()
            services.directory.rename(renamed)
            name_input.value = renamed.display_name
            say(f'Others now see you as "{renamed.display_name}".' if renamed.display_name else
                f'Display name cleared: others see your username, {renamed.username}.')

        async def change_password() -> None:
            if not current.value or not new.value:
                say('Please enter your current password and a new one.', refused=True)
                return
            save_password_button.disable()
            try:
                await passwords.run(services.accounts.change_password, me, current.value, new.value, address)
            except AccountError as refusal:
                say(str(refusal), refused=True)
                return
            finally:
                current.value = new.value = ''
                save_password_button.enable()
            sign_ins.end_other_sign_ins(me)
            say('Password changed. Every other browser signed in as you is signed out.')

        with hook(ui.column(), 'account').classes('w-full max-w-md mx-auto gap-4 p-4'):
            with ui.row().classes('w-full items-center'):
                brand_mark(services.settings).classes('grow')
                ui.button('Back', icon='arrow_back', on_click=lambda: ui.navigate.to('/')).props('flat no-caps')
            notice = hook(ui.label().classes('text-sm'), 'account-notice')
            with ui.card().classes('w-full items-stretch gap-3'):
                ui.label('Display name').classes('text-lg font-medium')
                ui.label(f'How others see you. Your username, {account.username}, stays as it is.') \
                    .classes('text-sm text-grey-7')
                name_input = hook(ui.input('Display name', value=account.display_name,
                                           placeholder=account.username).props('maxlength=64 counter'), 'display-name')
                name_input.on('keydown.enter', save_name)
                save_name_button = hook(ui.button('Save name', on_click=save_name), 'display-name-save')
            with ui.card().classes('w-full items-stretch gap-3'):
                ui.label('Password').classes('text-lg font-medium')
                current = hook(ui.input('Current password', password=True)
                               .props('autocomplete=current-password'), 'password-current')
                new = hook(ui.input('New password', placeholder='8 to 72 characters', password=True,
                                    password_toggle_button=True).props('autocomplete=new-password'), 'password-new')
                new.on('keydown.enter', change_password)
                save_password_button = hook(ui.button('Change password', on_click=change_password), 'password-save')
