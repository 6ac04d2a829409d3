"""Everything the pages use, built once from the settings and handed to them (no globals)."""
from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy.orm import sessionmaker

from .accounts import Account, AccountError, Accounts
from .agora_credentials import AgoraCredentials
from .call_history import CallHistory
from .call_registry import CallRegistry
from .call_store import CallStore, MemoryCallStore
from .callapi_calls import CallApiCalls
from .database import create_database
from .delivery import Delivery
from .directory import Directory
from .directory_order import DirectoryOrder
from .directory_sync import DirectorySync
from .ice_config import IceConfig
from .invite_limit import InviteLimit
from .presence import Presence
from .redis_bus import RedisBus
from .redis_call_store import RedisCallStore
from .redis_client import RedisUnreachable
from .redis_outage import RedisOutage
from .settings import Settings, SettingsError
from .shared_sign_ins import SharedSignIns
from .shared_tabs import SharedTabs
from .storage_secret import load_or_create_storage_secret
from .tab_lifecycle import TabLifecycle


@dataclass
class Services:
    settings: Settings
    sessions: sessionmaker
    accounts: Accounts
    directory: Directory
    directory_order: DirectoryOrder  # everyone as the dashboards list them (server presence)
    presence: Presence
    calls: CallRegistry
    tabs: TabLifecycle  # the pages report tabs opening and going away here
    history: CallHistory
    storage_secret: str
    agora: AgoraCredentials | None  # None in embedded mode
    ice: IceConfig  # what the browsers' peer connections get in embedded mode
    invite_limit: InviteLimit  # checked before every invite
    callapi: CallApiCalls  # CallAPI's messages, in agora-signaling mode
    shared_sign_ins: SharedSignIns | None  # with REDIS_URL: every process's sign-ins (else in this process)
    directory_sync: DirectorySync | None  # with REDIS_URL: the directory follows other processes' accounts
    delivery: Delivery  # what reaches the tabs about calls, from this process and (with Redis) every other
    bus: RedisBus | None = None  # with REDIS_URL: messages between the processes (and whether Redis answers)
    shared_tabs: SharedTabs | None = None  # with REDIS_URL: every process's tabs, heartbeated


def create_services(settings: Settings) -> Services:
    sessions = create_database(settings.database_url)
    shared = bool(settings.redis_url)  # several processes serve one set of users
    accounts = Accounts(sessions)
    for username, display_name in settings.demo_users:
        try:
            accounts.add_demo_person(username, display_name)
        except AccountError as refusal:
            raise SettingsError(f'DEMO_USERS: {refusal}') from None
    directory = Directory(accounts.all())
    store = call_store(settings.redis_url)  # first: an unreachable Redis stops the start here, with its reason
    bus = RedisBus(settings.redis_url, REDIS_PREFIX, process=uuid.uuid4().hex[:12]) if store.shared else None
    shared_tabs = SharedTabs(settings.redis_url, REDIS_PREFIX, bus) if bus is not None else None
    delivery = Delivery(bus)
    calls: CallRegistry
    presence = Presence(is_busy=lambda user: calls.is_busy(user), shared=shared_tabs)
    calls = CallRegistry(resolve_user=directory.registered_name,
                         is_online=lambda user: bool(presence.tabs(user)),
                         ring_timeout=settings.ring_timeout, store=store,
                         connect_while_ringing=settings.instant_answer)
    calls.changed.connect(delivery.call_changed)
    # Every snapshot, whichever process made it: busy is the shared registry's, and so are the unanswered calls.
    delivery.calls.connect(lambda call: (presence.touch(call.caller), presence.touch(call.callee)))
    invite_limit = InviteLimit()
    delivery.calls.connect(invite_limit.observe)
    tabs = TabLifecycle(presence, calls)
    if bus is not None:
        shared_tabs.changed.connect(presence.touch)
        shared_tabs.died.connect(tabs.died_with_their_process)
        RedisOutage(bus, calls, delivery, presence)  # kept alive by the bus's signals
    # Connected before the pages are (ui/live_updates.py): a batch reaches the dashboards already in the order.
    directory_order = DirectoryOrder({account.username: presence.status(account.username)
                                      for account in directory.all()})
    presence.changed.connect(directory_order.update)
    directory.added.connect(lambda account: directory_order.update({account.username:
                                                                    presence.status(account.username)}))
    # CallAPI apps join RTC as their numeric user id: in agora-signaling mode ringboard's people do too.
    rtc_uid = (lambda user: directory.get(user).id) if settings.mode == 'agora-signaling' else None
    agora = AgoraCredentials(settings.agora_app_id, settings.agora_app_certificate, settings.token_ttl, calls,
                             rtc_uid=rtc_uid) if settings.agora_enabled else None
    ice = IceConfig(static_servers=settings.ice_servers, turn_urls=settings.turn_urls, turn_secret=settings.turn_secret,
                    turn_ttl=settings.turn_ttl, transport_policy=settings.ice_transport_policy, calls=calls)
    return Services(settings=settings, sessions=sessions, accounts=accounts, directory=directory,
                    directory_order=directory_order, presence=presence, calls=calls,
                    tabs=tabs, history=CallHistory(sessions),
                    storage_secret=load_or_create_storage_secret(settings.storage_secret, settings.data_dir),
                    agora=agora, ice=ice, invite_limit=invite_limit, shared_sign_ins=shared_sign_ins(settings),
                    directory_sync=DirectorySync(settings.redis_url, accounts, directory) if shared else None,
                    callapi=CallApiCalls(calls, user_of=lambda number: _username(directory.by_id(number)),
                                         id_of=lambda user: _account_id(directory.get(user))),
                    delivery=delivery, bus=bus, shared_tabs=shared_tabs)


def _username(account: Account | None) -> str | None:
    return account.username if account else None


def _account_id(account: Account | None) -> int | None:
    return account.id if account else None


def shared_sign_ins(settings: Settings) -> SharedSignIns | None:
    """With `REDIS_URL`: sign-ins in Redis, lasting as long as the session cookie."""
    if not settings.redis_url:
        return None
    try:
        return SharedSignIns(settings.redis_url, lifetime=settings.session_days * 86400)
    except RedisUnreachable as error:
        raise SettingsError(f'REDIS_URL: Redis does not answer: {error}') from None
REDIS_PREFIX = 'ringboard:'  # every key and channel of ringboard's in Redis starts with it


def call_store(redis_url: str) -> CallStore:
    """Where the registry keeps its calls: in Redis when `REDIS_URL` is set, else in this process."""
    if not redis_url:
        return MemoryCallStore()
    try:
        return RedisCallStore(redis_url, prefix=REDIS_PREFIX)
    except RedisUnreachable as error:
        raise SettingsError(f'REDIS_URL: Redis does not answer: {error}') from None
