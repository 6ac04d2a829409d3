"""What a ringing call looks like: the callee's incoming banner and the caller's outgoing panel."""
from __future__ import annotations

from collections.abc import Callable

from nicegui import ui

from ..testids import hook


def incoming_banner(caller: str, on_accept: Callable[[], None], on_decline: Callable[[], None]) -> ui.label:
    """Shows the banner; returns the label that shows the seconds left."""
    with hook(ui.card(), 'incoming-call').classes('w-full bg-primary text-white'):
        with ui.row().classes('w-full items-center no-wrap gap-4'):
            ui.icon('ring_volume', size='lg').classes('animate-bounce')
            with ui.column().classes('grow gap-0'):
                with ui.row().classes('items-baseline gap-1'):
                    hook(ui.label(caller), 'incoming-caller').classes('text-xl font-semibold')
                    ui.label('is calling you').classes('text-lg')
                countdown = ui.label().classes('text-sm opacity-80')
            hook(ui.button('Decline', icon='call_end', on_click=on_decline), 'decline-call').props('color=negative')
            hook(ui.button('Accept', icon='videocam', on_click=on_accept), 'accept-call').props('color=positive')
    return countdown


def outgoing_panel(callee: str, on_cancel: Callable[[], None]) -> ui.label:
    """Shows the caller's ringing panel; returns the label that shows the seconds left."""
    with hook(ui.card(), 'outgoing-call').classes('w-full'):
        with ui.row().classes('w-full items-center no-wrap gap-4'):
            ui.spinner('audio', size='lg', color='primary')
            with ui.column().classes('grow gap-0'):
                ui.label(f'Calling {callee}…').classes('text-xl font-semibold')
                countdown = ui.label().classes('text-sm text-grey-7')
            hook(ui.button('Cancel', icon='call_end', on_click=on_cancel), 'cancel-call').props('color=negative')
    return countdown


def elsewhere_card(text: str, on_hang_up: Callable[[], None]) -> None:
    """A call of this user that lives in another of their tabs."""
    with ui.card().classes('w-full'):
        with ui.row().classes('w-full items-center no-wrap gap-4'):
            ui.icon('devices', size='md', color='primary')
            ui.label(text).classes('grow')
            ui.button('Hang up', icon='call_end', on_click=on_hang_up).props('color=negative outline')
