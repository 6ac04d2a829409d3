"""Settings from the environment (and an optional `.env`), validated once at start-up."""
from __future__ import annotations

import ipaddress
import json
import os
import re
import ssl
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from .accounts import username_problem
from .display_name import display_name_problem

PROJECT_DIR = Path(__file__).resolve().parent.parent

_HEX32 = re.compile(r'[0-9a-fA-F]{32}')
# jsDelivr serves every npm package version at /npm/<package>@<version>/<file>.
DEFAULT_AGORA_SDK_URL = 'https://cdn.jsdelivr.net/npm'
# server: this server rings; agora-signaling: Agora Signaling 2.x speaking CallAPI's messages; agora-rtm: RTM 1.x.
SIGNALING_CHOICES = ('server', 'agora-signaling', 'agora-rtm')


class SettingsError(ValueError):
    """A setting has a value ringboard cannot use; the message names the setting."""


@dataclass(frozen=True)
class Settings:
    # Secrets and URLs that may hold a password stay out of repr (a logged or printed Settings).
    host: str = '127.0.0.1'
    port: int = 8080
    data_dir: Path = PROJECT_DIR / 'data'
    database_url: str = field(default='', repr=False)
    storage_secret: str = field(default='', repr=False)
    ring_timeout: float = 45.0
    ice_servers: tuple[dict, ...] = ()
    agora_app_id: str = ''
    agora_app_certificate: str = field(default='', repr=False)
    signaling: str = 'server'
    token_ttl: int = 3600
    agora_sdk_url: str = DEFAULT_AGORA_SDK_URL
    ssl_certfile: str = ''
    ssl_keyfile: str = ''
    turn_urls: tuple[str, ...] = ()
    turn_secret: str = field(default='', repr=False)
    turn_ttl: int = 86400
    ice_transport_policy: str = 'all'
    app_name: str = 'ringboard'
    app_logo: str = ''  # an http(s) URL, or the absolute path of a local image file
    brand_color: str = ''  # '#rrggbb'; empty keeps Quasar's primary colour
    nicegui_tuning: bool = True  # ui/nicegui_tuning/; off runs stock NiceGUI
    demo_users: tuple[tuple[str, str], ...] = ()  # (username, display name or '') of each demo person
    allowed_origins: tuple[str, ...] = ()  # page origins the socket accepts besides the app's own host
    session_days: int = 14  # how long a sign-in lasts
    redis_url: str = field(default='', repr=False)  # the registry's state and deadlines in Redis; '': in-process
    instant_answer: bool = True  # the call connects while it rings (the callee sends nothing before the accept)

    @property
    def agora_enabled(self) -> bool:
        return bool(self.agora_app_id)

    @property
    def mode(self) -> str:
        """`embedded`, `agora` (RTM 1.x signaling + RTC media), `agora-signaling` (Signaling 2.x speaking CallAPI's
        messages + RTC media) or `hybrid` (server signaling + RTC media)."""
        if not self.agora_enabled:
            return 'embedded'
        return {'agora-rtm': 'agora', 'agora-signaling': 'agora-signaling'}.get(self.signaling, 'hybrid')

    @property
    def warnings(self) -> list[str]:
        """Settings that are valid but have no effect in this mode, one line each (printed at start-up)."""
        if self.mode == 'embedded':
            return []
        ignored = [name for name, value in (('ICE_SERVERS', self.ice_servers), ('TURN_URLS', self.turn_urls),
                                            ('TURN_SECRET', self.turn_secret),
                                            ('ICE_TRANSPORT_POLICY', self.ice_transport_policy != 'all')) if value]
        if not ignored:
            return []
        return [f'{", ".join(ignored)} {"has" if len(ignored) == 1 else "have"} no effect in {self.mode} mode: '
                'the media goes through Agora RTC']


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Read and check every setting; raise `SettingsError` naming the first bad one."""
    env = os.environ if env is None else env

    def get(name: str) -> str:
        return env.get(name, '').strip()

    data_dir = (PROJECT_DIR / Path(get('DATA_DIR') or 'data').expanduser()).resolve()  # relative to the project
    app_id, certificate = get('AGORA_APP_ID'), get('AGORA_APP_CERTIFICATE')
    if app_id and not _HEX32.fullmatch(app_id):
        raise SettingsError('AGORA_APP_ID must be the 32 hexadecimal characters of an Agora project app id')
    if certificate and not _HEX32.fullmatch(certificate):
        raise SettingsError('AGORA_APP_CERTIFICATE must be the 32 hexadecimal characters of the primary certificate')
    if bool(app_id) != bool(certificate):
        raise SettingsError('AGORA_APP_ID and AGORA_APP_CERTIFICATE must be set together (or neither)')
    signaling = get('SIGNALING') or ('agora-signaling' if app_id else 'server')
    if signaling not in SIGNALING_CHOICES:
        raise SettingsError(f'SIGNALING must be "server", "agora-signaling" or "agora-rtm", not {signaling!r}')
    if signaling != 'server' and not app_id:
        raise SettingsError(f'SIGNALING={signaling} needs AGORA_APP_ID and AGORA_APP_CERTIFICATE')
    ice_servers = _ice_servers(get('ICE_SERVERS'))
    tuning = _switch(get, 'NICEGUI_TUNING')
    return Settings(
        host=_host(get('HOST') or '127.0.0.1'),
        port=_number(get, 'PORT', 8080, 1, 65535, int),
        data_dir=data_dir,
        database_url=_database_url(get('DATABASE_URL')) or f'sqlite:///{data_dir / "ringboard.db"}',
        storage_secret=get('STORAGE_SECRET'),
        ring_timeout=_number(get, 'RING_TIMEOUT', 45.0, 1, 600, float),
        ice_servers=ice_servers,
        agora_app_id=app_id,
        agora_app_certificate=certificate,
        signaling=signaling,
        token_ttl=_number(get, 'TOKEN_TTL', 3600, 60, 86400, int),
        agora_sdk_url=_sdk_url(get('AGORA_SDK_URL')),
        **_tls(get('SSL_CERTFILE'), get('SSL_KEYFILE')),
        **_turn(get, ice_servers, embedded=not app_id),
        app_name=_app_name(get('APP_NAME')),
        app_logo=_app_logo(get('APP_LOGO')),
        brand_color=_brand_color(get('BRAND_COLOR')),
        nicegui_tuning=tuning,
        demo_users=_demo_users(get('DEMO_USERS')),
        allowed_origins=_origins(get('ALLOWED_ORIGINS')),
        session_days=_number(get, 'SESSION_DAYS', 14, 1, 365, int),
        redis_url=_redis_url(get('REDIS_URL')),
        instant_answer=_switch(get, 'INSTANT_ANSWER'),
    )


def _switch(get, name: str) -> bool:
    """A setting that is `on` (the default) or `off`."""
    value = get(name) or 'on'
    if value not in {'on', 'off'}:
        raise SettingsError(f'{name} must be "on" or "off", not {value!r}')
    return value == 'on'


def _origins(raw: str) -> tuple[str, ...]:
    """Comma-separated page origins like https://calls.example.com (a scheme and a host, maybe a port, no path)."""
    origins = tuple(origin.strip().rstrip('/') for origin in raw.split(',') if origin.strip())
    for origin in origins:
        if not re.fullmatch(r'https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?|https?://\[[0-9A-Fa-f:.]+\](:[0-9]{1,5})?', origin):
            raise SettingsError('ALLOWED_ORIGINS must be comma-separated origins like https://calls.example.com '
                                f'(a scheme and a host, maybe a port, no path), not {origin!r}')
    return origins


def _number(get, name: str, default, low, high, kind):
    raw = get(name)
    if not raw:
        return default
    try:
        value = kind(raw)
    except ValueError:
        value = None
    if value is None or not low <= value <= high:
        what = 'a whole number' if kind is int else 'a number'
        raise SettingsError(f'{name} must be {what} from {low} to {high}, not {raw!r}')
    return value


def _database_url(raw: str) -> str:
    if raw:
        try:
            make_url(raw)
        except (ArgumentError, ValueError):  # the value is not echoed: a database URL may hold a password
            raise SettingsError('DATABASE_URL must be an SQLAlchemy database URL like sqlite:////path/ringboard.db'
                                ) from None
    return raw


def _host(raw: str) -> str:
    if raw == 'localhost' or re.fullmatch(r'[A-Za-z0-9.-]+', raw):
        return raw
    try:
        ipaddress.ip_address(raw)
    except ValueError:
        raise SettingsError(f'HOST must be an IP address or host name, not {raw!r}') from None
    return raw


def _ice_servers(raw: str) -> tuple[dict, ...]:
    """A JSON list of RTCIceServer dicts, e.g. [{"urls": "stun:stun.example.org:3478"}]."""
    if not raw:
        return ()
    problem = 'ICE_SERVERS must be a JSON list like [{"urls": "stun:stun.example.org:3478"}]'
    try:
        servers = json.loads(raw)
    except json.JSONDecodeError as error:
        raise SettingsError(f'{problem} ({error.msg} at character {error.pos})') from None
    if not isinstance(servers, list):
        raise SettingsError(problem)
    for server in servers:
        urls = server.get('urls') if isinstance(server, dict) else None
        urls = [urls] if isinstance(urls, str) else urls
        if not urls or not isinstance(urls, list) or \
                not all(isinstance(u, str) and re.match(r'(stun|turns?):', u) for u in urls):
            raise SettingsError(f'{problem}; every entry needs "urls" starting with stun:, turn: or turns:')
    return tuple(servers)


def _sdk_url(raw: str) -> str:
    """Where browsers load the Agora SDKs: an http(s) base URL, or a local folder that this server serves."""
    if not raw:
        return DEFAULT_AGORA_SDK_URL
    if re.match(r'https?://', raw):
        return raw.rstrip('/')
    folder = (PROJECT_DIR / Path(raw).expanduser()).resolve()
    if not folder.is_dir():
        raise SettingsError(f'AGORA_SDK_URL must be an http(s) URL or an existing folder, not {raw!r}')
    return str(folder)


def _tls(certfile: str, keyfile: str) -> dict:
    """SSL_CERTFILE and SSL_KEYFILE: both or neither, readable, and the key belonging to the certificate."""
    if not certfile and not keyfile:
        return {}
    if not certfile or not keyfile:
        raise SettingsError('SSL_CERTFILE and SSL_KEYFILE must be set together (or neither)')
    paths, texts = {}, {}
    for name, raw in (('SSL_CERTFILE', certfile), ('SSL_KEYFILE', keyfile)):
        paths[name] = str((PROJECT_DIR / Path(raw).expanduser()).resolve())
        try:
            texts[name] = Path(paths[name]).read_text(errors='replace')
        except OSError as error:
            raise SettingsError(f'{name} cannot be read: {raw} ({error.strerror or error})') from None
    if '-----BEGIN CERTIFICATE-----' not in texts['SSL_CERTFILE']:
        raise SettingsError(f'SSL_CERTFILE is not a PEM certificate: {certfile}')
    if 'PRIVATE KEY-----' not in texts['SSL_KEYFILE']:
        raise SettingsError(f'SSL_KEYFILE is not a PEM private key: {keyfile}')
    if 'ENCRYPTED' in texts['SSL_KEYFILE']:  # uvicorn would ask for the passphrase on the terminal
        raise SettingsError(f'SSL_KEYFILE is protected by a passphrase; give the key without one: {keyfile}')
    try:
        ssl.create_default_context(ssl.Purpose.CLIENT_AUTH).load_cert_chain(
            paths['SSL_CERTFILE'], paths['SSL_KEYFILE'], password=lambda: b'')
    except ssl.SSLError as error:
        if error.reason == 'KEY_VALUES_MISMATCH':
            raise SettingsError('SSL_KEYFILE is not the private key of the certificate in SSL_CERTFILE') from None
        raise SettingsError(f'SSL_CERTFILE and SSL_KEYFILE cannot be used ({error.reason or error})') from None
    return {'ssl_certfile': paths['SSL_CERTFILE'], 'ssl_keyfile': paths['SSL_KEYFILE']}


def _turn(get, ice_servers: tuple[dict, ...], *, embedded: bool) -> dict:
    """TURN_URLS, TURN_SECRET, TURN_TTL and ICE_TRANSPORT_POLICY (used in embedded mode only)."""
    urls = tuple(url.strip() for url in get('TURN_URLS').split(',') if url.strip())
    for url in urls:
        if not re.match(r'turns?:[^\s]+$', url):
            raise SettingsError(f'TURN_URLS must be comma-separated turn: or turns: URLs like '
                                f'turn:turn.example.org:3478, not {url!r}')
    secret = get('TURN_SECRET')
    if bool(urls) != bool(secret):
        raise SettingsError('TURN_URLS and TURN_SECRET must be set together (or neither)')
    policy = get('ICE_TRANSPORT_POLICY') or 'all'
    if policy not in {'all', 'relay'}:
        raise SettingsError(f'ICE_TRANSPORT_POLICY must be "all" or "relay", not {policy!r}')
    static_turn = any(re.match(r'turns?:', url) for server in ice_servers
                      for url in ([server['urls']] if isinstance(server['urls'], str) else server['urls']))
    if policy == 'relay' and embedded and not urls and not static_turn:
        raise SettingsError('ICE_TRANSPORT_POLICY=relay needs a TURN server: set TURN_URLS and TURN_SECRET '
                            '(or a turn: entry in ICE_SERVERS)')
    return {'turn_urls': urls, 'turn_secret': secret, 'ice_transport_policy': policy,
            'turn_ttl': _number(get, 'TURN_TTL', 86400, 60, 7 * 86400, int)}


def _app_name(raw: str) -> str:
    if not raw:
        return 'ringboard'
    if len(raw) > 40 or not raw.isprintable():
        raise SettingsError(f'APP_NAME must be 1 to 40 printable characters, not {raw!r}')
    return raw


LOGO_SUFFIXES = ('.png', '.jpg', '.jpeg', '.gif', '.svg', '.webp', '.ico')


def _app_logo(raw: str) -> str:
    """An http(s) URL as it is, or a local image file (relative to the project) as an absolute path."""
    if not raw or re.match(r'https?://\S+$', raw):
        return raw
    path = (PROJECT_DIR / Path(raw).expanduser()).resolve()
    if not path.is_file() or path.suffix.lower() not in LOGO_SUFFIXES:
        raise SettingsError(f'APP_LOGO must be an http(s) URL or an existing image file '
                            f'({", ".join(LOGO_SUFFIXES)}), not {raw!r}')
    return str(path)


def _brand_color(raw: str) -> str:
    if raw and not re.fullmatch(r'#[0-9a-fA-F]{6}', raw):
        raise SettingsError(f'BRAND_COLOR must be a colour like #1a73e8, not {raw!r}')
    return raw.lower()


def _demo_users(raw: str) -> tuple[tuple[str, str], ...]:
    """`alice=Alice Johnson,bob`: a username, optionally with a display name, per entry."""
    people: list[tuple[str, str]] = []
    seen: set[str] = set()
    for entry in filter(None, (part.strip() for part in raw.split(','))):
        username, _, name = (part.strip() for part in entry.partition('='))
        problem = username_problem(username) or display_name_problem(name)
        if problem:
            raise SettingsError(f'DEMO_USERS: {entry!r}: {problem}')
        if username.lower() in seen:
            raise SettingsError(f'DEMO_USERS names {username!r} twice')
        seen.add(username.lower())
        people.append((username, name))
    return tuple(people)


def _redis_url(raw: str) -> str:
    if not raw:
        return ''
    problem = 'REDIS_URL must be a Redis URL like redis://127.0.0.1:6379/0 (rediss:// for TLS, unix:///path.sock)'
    try:  # the value is not echoed: a Redis URL may hold a password
        url = urlsplit(raw)
        port, database = url.port, url.path.lstrip('/')  # the port is parsed (and refused) when asked for
    except ValueError:
        raise SettingsError(problem) from None
    if url.scheme in {'redis', 'rediss'}:
        if url.hostname and port != 0 and (not database or database.isdigit()):
            return raw
    elif url.scheme == 'unix' and url.path:
        return raw
    raise SettingsError(problem)
