"""The NiceGUI floor for ring latency: the app's ringing pattern with plain NiceGUI elements and nothing else.

`/?name=NAME&peer=PEER` -- the button `user-PEER` rings PEER's tab, which gets `incoming-call` holding
`accept-call` and `decline-call`; accepting puts `call-view` holding `hang-up` on both tabs; declining or hanging
up clears both. No accounts, no call registry, no presence, no history: what any NiceGUI app pays to turn one
tab's click into elements on another tab. `ring_latency` starts it as a subprocess (`PORT=8082 python
bench/bare_call_page.py` by hand).
"""
import os

from nicegui import ui

call_areas: dict[str, ui.column] = {}  # user -> the column of their (last opened) tab that shows the call


def ring(caller: str, callee: str) -> None:
    with call_areas[callee], ui.row().props('data-testid="incoming-call"'):
        ui.button('Accept', on_click=lambda: accept(caller, callee)).props('data-testid="accept-call"')
        ui.button('Decline', on_click=lambda: end(caller, callee)).props('data-testid="decline-call"')


def accept(caller: str, callee: str) -> None:
    for user in (caller, callee):
        call_areas[user].clear()
        with call_areas[user], ui.row().props('data-testid="call-view"'):
            ui.button('Hang up', on_click=lambda: end(caller, callee)).props('data-testid="hang-up"')


def end(caller: str, callee: str) -> None:
    for user in (caller, callee):
        call_areas[user].clear()


@ui.page('/')
def page(name: str = '', peer: str = '') -> None:
    ui.label(name).props('data-testid="me"')
    ui.button(f'Call {peer}', on_click=lambda: ring(name, peer)).props(f'data-testid="user-{peer}"')
    call_areas[name] = ui.column()


if __name__ in {'__main__', '__mp_main__'}:
    ui.run(host=os.environ.get('HOST', '127.0.0.1'), port=int(os.environ.get('PORT', '8082')), show=False,
           reload=False, title='floor', show_welcome_message=False)
