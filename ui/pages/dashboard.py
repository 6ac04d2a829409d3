"""/ : the dashboard. Directory with presence, the call panel and the history, all on one page."""
from __future__ import annotations

from collections.abc import Iterable

from nicegui import Client, run, ui

from backend.directory_order import DirectoryOrder
from backend.services import Services

from ..agora_sdk import RTM_SDK, SIGNALING_SDK, sdk_base
from ..branding import brand_mark
from ..components.agora_rtm_session import AgoraRtmSession
from ..components.agora_rtm_signaling import AgoraRtmSignaling
from ..components.agora_signaling import AgoraSignaling
from ..components.agora_signaling_session import AgoraSignalingSession
from ..components.call_history_list import CallHistoryList
from ..components.call_panel import CallPanel
from ..components.call_signaling import CallSignaling
from ..components.demo_people import demo_banner
from ..components.reconnecting_banner import reconnecting_banner
from ..components.user_directory import UserDirectory
from ..live_updates import LiveUpdates
from ..session import log_out, sign_ins
from ..testids import hook
from ..theme import follow_theme, theme_toggle


def dashboard_page(services: Services, live: LiveUpdates) -> None:
    @ui.page('/')
    async def page(client: Client) -> None:
        me = sign_ins.page_user(client)  # logging out in any tab of this browser ends this page too
        if me is not None and services.directory.get(me) is None and services.directory_sync is not None:
            await services.directory_sync.catch_up(run.io_bound)  # e.g. registered through another process
        if me is None or services.directory.get(me) is None:  # e.g. a session from a database that was reset
            log_out()
            return
        ui.page_title(services.settings.app_name)
        theme = await follow_theme(services, me)

        with ui.header().classes('app-header items-center no-wrap shadow-sm px-6'):
            brand_mark(services.settings).classes('grow')
            theme_toggle(theme, services, me)
            ui.button(icon='account_circle', on_click=lambda: ui.navigate.to('/account')) \
                .props('flat round dense color=grey-7 aria-label="Your account" title="Your account"')
            hook(ui.label(me), 'me').classes('font-medium')
            hook(ui.button('Log out', icon='logout', on_click=log_out), 'logout').classes('logout-button') \
                .props('flat no-caps aria-label="Log out"')

        demo_banner(services.settings)
        reconnecting_banner(live)
        with ui.column().classes('w-full max-w-5xl mx-auto gap-4 p-4'):
            def status(user: str) -> str:
                if signaling is None:
                    return services.presence.status(user)
                return signaling.status(user, services.calls.is_busy(user))

            def presence_changed(users: Iterable[str]) -> None:
                if signaling is not None:
                    order.update({user: status(user) for user in users})
                directory.show_changes(users)

            def username_of_agora_id(uid: str) -> str | None:  # Signaling 2.x user ids are the accounts' ids
                account = services.directory.by_id(int(uid)) if uid.isdecimal() and len(uid) < 16 else None
                return account.username if account else None

            def agora_id_of(user: str) -> int | None:
                account = services.directory.get(user)
                return account.id if account else None

            signaling = None  # this tab's Agora RTM session, in Agora mode
            call_signaling = CallSignaling(services.calls, me, client.id)  # the server rings
            order = services.directory_order  # the server's presence is the same for everyone: one order for all
            if services.settings.mode == 'agora':  # presence and invitations through Agora RTM
                people = [account.username for account in services.directory.all() if account.username != me]
                signaling = AgoraRtmSession(services.agora, f'{sdk_base(services.settings)}/{RTM_SDK}', me,
                                            peers=people, on_online=presence_changed)
                call_signaling = AgoraRtmSignaling(signaling, services.calls, me, client.id)
                order = DirectoryOrder({user: status(user) for user in people})  # this tab's RTM: its own order
            elif services.settings.mode == 'agora-signaling':  # presence and CallAPI's messages over Signaling 2.x
                people = [account.username for account in services.directory.all() if account.username != me]
                signaling = AgoraSignalingSession(
                    services.agora, f'{sdk_base(services.settings)}/{SIGNALING_SDK}', me,
                    services.directory.get(me).id, peers=people, on_online=presence_changed,
                    username_of=username_of_agora_id, id_of=agora_id_of)
                call_signaling = AgoraSignaling(signaling, services.callapi, services.calls, me, client.id)
                order = DirectoryOrder({user: status(user) for user in people})  # this tab's presence: its own order

            panel = CallPanel(services, live, me, client.id, call_signaling)
            with ui.row().classes('dashboard-beside-call w-full gap-4 items-start no-wrap max-md:flex-wrap'):
                with ui.card().classes('flex-1 min-w-72'):
                    ui.label('People').classes('text-lg font-medium')
                    directory = UserDirectory(me, order, on_call=panel.call, label=services.directory.label)
                with ui.card().classes('flex-1 min-w-72'):
                    history = CallHistoryList(services.history, me, on_call=panel.call,
                                              label=services.directory.label)

        live.presence.subscribe(presence_changed)  # in Agora mode: whose calls changed

        def add_person(name: str) -> None:
            if signaling is not None:
                signaling.watch([name])
            presence_changed([name])

        live.new_account.subscribe(lambda account: add_person(account.username))
        live.renamed.subscribe(directory.show_names)
        live.renamed.subscribe(history.show_names)
        live.history_of(me).subscribe(history.add)
        await history.refresh()

        # The tab counts as present from its websocket connect until NiceGUI deletes it (closed, or gone
        # past the reconnect window), so a reload does not flicker the user offline.
        await client.connected()

        services.tabs.opened(me, client.id)
        client.on_delete(lambda: services.tabs.gone(me, client.id))
        if signaling is not None:
            signaling.log_in()
