"""Settings from the environment: defaults, every refusal names its setting, `python main.py` stops with one line;
the storage secret is generated once, owner-only, and kept."""
from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from backend.settings import PROJECT_DIR, Settings, SettingsError, load_settings
from backend.storage_secret import load_or_create_storage_secret

from .self_signed import self_signed_certificate

APP_ID = '0123456789abcdef0123456789ABCDEF'
CERTIFICATE = 'fedcba9876543210fedcba9876543210'


def test_defaults():
    settings = load_settings({})
    assert isinstance(settings, Settings)
    assert settings.host == '127.0.0.1'
    assert settings.port == 8080
    assert settings.data_dir == (PROJECT_DIR / 'data').resolve()
    assert settings.database_url == f'sqlite:///{PROJECT_DIR.resolve() / "data" / "ringboard.db"}'
    assert settings.storage_secret == ''
    assert settings.ring_timeout == 45.0
    assert settings.ice_servers == ()
    assert (settings.agora_app_id, settings.agora_app_certificate) == ('', '')
    assert settings.signaling == 'server'
    assert settings.token_ttl == 3600
    assert settings.mode == 'embedded'
    assert not settings.agora_enabled


def test_empty_and_blank_values_mean_the_default():
    settings = load_settings({'PORT': '', 'RING_TIMEOUT': '  ', 'ICE_SERVERS': '', 'SIGNALING': ' '})
    assert (settings.port, settings.ring_timeout, settings.ice_servers, settings.signaling) == \
        (8080, 45.0, (), 'server')


def test_values_are_read_and_trimmed(tmp_path):
    settings = load_settings({
        'HOST': ' 0.0.0.0 ', 'PORT': ' 9000 ', 'DATA_DIR': str(tmp_path / 'd'), 'RING_TIMEOUT': '2.5',
        'TOKEN_TTL': '60', 'STORAGE_SECRET': ' s3cret ', 'DATABASE_URL': 'sqlite:////tmp/x.db',
    })
    assert (settings.host, settings.port, settings.ring_timeout, settings.token_ttl) == ('0.0.0.0', 9000, 2.5, 60)
    assert settings.data_dir == (tmp_path / 'd').resolve()
    assert settings.storage_secret == 's3cret'
    assert settings.database_url == 'sqlite:////tmp/x.db'


def test_the_database_follows_data_dir(tmp_path):
    settings = load_settings({'DATA_DIR': str(tmp_path)})
    assert settings.database_url == f'sqlite:///{tmp_path.resolve() / "ringboard.db"}'


@pytest.mark.parametrize('host', ['localhost', '::1', '192.168.1.20', 'ringboard.example.org'])
def test_good_hosts(host):
    assert load_settings({'HOST': host}).host == host


@pytest.mark.parametrize(('env', 'setting'), [
    pytest.param({'PORT': 'abc'}, 'PORT', id='port-abc'),
    pytest.param({'PORT': '0'}, 'PORT', id='port-0'),
    pytest.param({'PORT': '70000'}, 'PORT', id='port-70000'),
    pytest.param({'PORT': '80.5'}, 'PORT', id='port-fraction'),
    pytest.param({'RING_TIMEOUT': '-1'}, 'RING_TIMEOUT', id='ring-timeout-negative'),
    pytest.param({'RING_TIMEOUT': 'soon'}, 'RING_TIMEOUT', id='ring-timeout-word'),
    pytest.param({'RING_TIMEOUT': 'nan'}, 'RING_TIMEOUT', id='ring-timeout-nan'),
    pytest.param({'RING_TIMEOUT': 'inf'}, 'RING_TIMEOUT', id='ring-timeout-inf'),
    pytest.param({'TOKEN_TTL': '5'}, 'TOKEN_TTL', id='token-ttl-5'),
    pytest.param({'TOKEN_TTL': '999999'}, 'TOKEN_TTL', id='token-ttl-huge'),
    pytest.param({'HOST': 'bad host!'}, 'HOST', id='host'),
    pytest.param({'ICE_SERVERS': 'stun:stun.example.org'}, 'ICE_SERVERS', id='ice-not-json'),
    pytest.param({'ICE_SERVERS': '{"urls": "stun:stun.example.org"}'}, 'ICE_SERVERS', id='ice-not-a-list'),
    pytest.param({'ICE_SERVERS': 'null'}, 'ICE_SERVERS', id='ice-null'),
    pytest.param({'ICE_SERVERS': '[{"username": "u"}]'}, 'ICE_SERVERS', id='ice-entry-without-urls'),
    pytest.param({'ICE_SERVERS': '["stun:stun.example.org"]'}, 'ICE_SERVERS', id='ice-entry-not-an-object'),
    pytest.param({'ICE_SERVERS': '[{"urls": "http://stun.example.org"}]'}, 'ICE_SERVERS', id='ice-url-http'),
    pytest.param({'ICE_SERVERS': '[{"urls": ["stun:a.org", "b.org:3478"]}]'}, 'ICE_SERVERS', id='ice-one-bad-url'),
    pytest.param({'ICE_SERVERS': '[{"urls": []}]'}, 'ICE_SERVERS', id='ice-empty-urls'),
    pytest.param({'ICE_SERVERS': '[{"urls": 3478}]'}, 'ICE_SERVERS', id='ice-url-number'),
    pytest.param({'ICE_SERVERS': '[{"urls": {"stun:a.org": 1}}]'}, 'ICE_SERVERS', id='ice-urls-object'),
    pytest.param({'AGORA_APP_ID': 'not-an-app-id', 'AGORA_APP_CERTIFICATE': CERTIFICATE}, 'AGORA_APP_ID',
                 id='app-id-not-hex'),
    pytest.param({'AGORA_APP_ID': APP_ID[:31], 'AGORA_APP_CERTIFICATE': CERTIFICATE}, 'AGORA_APP_ID',
                 id='app-id-31-chars'),
    pytest.param({'AGORA_APP_ID': APP_ID, 'AGORA_APP_CERTIFICATE': 'xyz'}, 'AGORA_APP_CERTIFICATE',
                 id='certificate-not-hex'),
    pytest.param({'AGORA_APP_CERTIFICATE': CERTIFICATE}, 'AGORA_APP_ID', id='certificate-without-app-id'),
    pytest.param({'AGORA_APP_ID': APP_ID}, 'AGORA_APP_CERTIFICATE', id='app-id-without-certificate'),
    pytest.param({'SIGNALING': 'bogus'}, 'SIGNALING', id='signaling-bogus'),
    pytest.param({'SIGNALING': 'agora-rtm'}, 'SIGNALING', id='agora-rtm-without-credentials'),
    pytest.param({'SIGNALING': 'agora-signaling'}, 'SIGNALING', id='agora-signaling-without-credentials'),
    pytest.param({'AGORA_SDK_URL': '/no/such/folder'}, 'AGORA_SDK_URL', id='sdk-url-missing-folder'),
    pytest.param({'DATABASE_URL': 'not a url'}, 'DATABASE_URL', id='database-url-garbage'),
    pytest.param({'DATABASE_URL': 'postgresql://u:p@h:port/db'}, 'DATABASE_URL', id='database-url-bad-port'),
    pytest.param({'APP_NAME': 'x' * 41}, 'APP_NAME', id='app-name-too-long'),
    pytest.param({'APP_NAME': 'Acme\tCalls'}, 'APP_NAME', id='app-name-control-character'),
    pytest.param({'APP_LOGO': '/no/such/logo.png'}, 'APP_LOGO', id='logo-missing-file'),
    pytest.param({'APP_LOGO': 'README.md'}, 'APP_LOGO', id='logo-not-an-image'),
    pytest.param({'APP_LOGO': 'ftp://example.org/logo.png'}, 'APP_LOGO', id='logo-not-http'),
    pytest.param({'BRAND_COLOR': 'red'}, 'BRAND_COLOR', id='color-name'),
    pytest.param({'BRAND_COLOR': '#12345'}, 'BRAND_COLOR', id='color-five-digits'),
    pytest.param({'BRAND_COLOR': '#12345g'}, 'BRAND_COLOR', id='color-not-hex'),
    pytest.param({'NICEGUI_TUNING': 'no'}, 'NICEGUI_TUNING', id='nicegui-tuning-no'),
    pytest.param({'NICEGUI_TUNING': 'ON'}, 'NICEGUI_TUNING', id='nicegui-tuning-upper-case'),
    pytest.param({'INSTANT_ANSWER': 'yes'}, 'INSTANT_ANSWER', id='instant-answer-yes'),
    pytest.param({'ALLOWED_ORIGINS': 'calls.example.com'}, 'ALLOWED_ORIGINS', id='origin-without-scheme'),
    pytest.param({'ALLOWED_ORIGINS': 'https://calls.example.com/app'}, 'ALLOWED_ORIGINS', id='origin-with-path'),
    pytest.param({'ALLOWED_ORIGINS': 'https://a.example.com,*'}, 'ALLOWED_ORIGINS', id='origin-star'),
    pytest.param({'SESSION_DAYS': '0'}, 'SESSION_DAYS', id='session-days-zero'),
    pytest.param({'SESSION_DAYS': '1.5'}, 'SESSION_DAYS', id='session-days-fraction'),
])
def test_bad_value_names_its_setting(env, setting):
    with pytest.raises(SettingsError) as refusal:
        load_settings(env)
    assert setting in str(refusal.value)


def test_messages_say_what_is_wanted():
    with pytest.raises(SettingsError, match=r"PORT must be a whole number from 1 to 65535, not 'abc'"):
        load_settings({'PORT': 'abc'})
    with pytest.raises(SettingsError,
                       match=r'SIGNALING must be "server", "agora-signaling" or "agora-rtm", not \'bogus\''):
        load_settings({'SIGNALING': 'bogus'})


def test_nicegui_tuning_is_on_unless_turned_off():
    assert load_settings({}).nicegui_tuning
    assert load_settings({'NICEGUI_TUNING': ' on '}).nicegui_tuning
    assert not load_settings({'NICEGUI_TUNING': 'off'}).nicegui_tuning
    with pytest.raises(SettingsError, match=r'NICEGUI_TUNING must be "on" or "off", not \'false\''):
        load_settings({'NICEGUI_TUNING': 'false'})


def test_instant_answer_is_on_unless_turned_off():
    assert load_settings({}).instant_answer
    assert load_settings({'AGORA_APP_ID': 'a' * 32, 'AGORA_APP_CERTIFICATE': 'b' * 32}).instant_answer
    assert not load_settings({'INSTANT_ANSWER': ' off '}).instant_answer
    with pytest.raises(SettingsError, match=r'INSTANT_ANSWER must be "on" or "off", not \'0\''):
        load_settings({'INSTANT_ANSWER': '0'})


def test_allowed_origins_and_session_days():
    assert load_settings({}).allowed_origins == ()
    assert load_settings({}).session_days == 14
    settings = load_settings({'ALLOWED_ORIGINS': ' https://calls.example.com, http://localhost:3000/ ',
                              'SESSION_DAYS': '30'})
    assert settings.allowed_origins == ('https://calls.example.com', 'http://localhost:3000')
    assert settings.session_days == 30


def test_a_database_password_is_not_echoed():
    with pytest.raises(SettingsError) as refusal:
        load_settings({'DATABASE_URL': 'postgresql://u:hunter2secret@h:port/db'})
    assert 'hunter2secret' not in str(refusal.value)


def test_branding_defaults_and_values(tmp_path):
    settings = load_settings({})
    assert (settings.app_name, settings.app_logo, settings.brand_color) == ('ringboard', '', '')
    logo = tmp_path / 'logo.svg'
    logo.write_text('<svg xmlns="http://www.w3.org/2000/svg"/>')
    settings = load_settings({'APP_NAME': ' Acme Calls ', 'APP_LOGO': str(logo), 'BRAND_COLOR': '#1A73E8'})
    assert (settings.app_name, settings.app_logo, settings.brand_color) == ('Acme Calls', str(logo), '#1a73e8')
    assert load_settings({'APP_LOGO': 'https://example.org/logo.png'}).app_logo == 'https://example.org/logo.png'
    assert load_settings({'APP_NAME': 'Звонки 通话'}).app_name == 'Звонки 通话'


def test_ice_servers_are_parsed():
    servers = [
        {'urls': 'stun:stun.example.org:3478'},
        {'urls': ['turn:turn.example.org:3478?transport=udp', 'turns:turn.example.org:5349'],
         'username': 'ringboard', 'credential': 'secret'},
    ]
    settings = load_settings({'ICE_SERVERS': json.dumps(servers)})
    assert settings.ice_servers == tuple(servers)


def test_an_empty_ice_list_is_allowed():
    assert load_settings({'ICE_SERVERS': '[]'}).ice_servers == ()


def test_agora_credentials_default_to_agora_signaling():
    settings = load_settings({'AGORA_APP_ID': APP_ID, 'AGORA_APP_CERTIFICATE': CERTIFICATE})
    assert settings.agora_enabled
    assert (settings.agora_app_id, settings.agora_app_certificate) == (APP_ID, CERTIFICATE)
    assert settings.signaling == 'agora-signaling'
    assert settings.mode == 'agora-signaling'


def test_agora_rtm_is_the_1x_mode():
    settings = load_settings({'AGORA_APP_ID': APP_ID, 'AGORA_APP_CERTIFICATE': CERTIFICATE, 'SIGNALING': 'agora-rtm'})
    assert settings.mode == 'agora'


def test_agora_with_server_signaling_is_hybrid():
    settings = load_settings({'AGORA_APP_ID': APP_ID, 'AGORA_APP_CERTIFICATE': CERTIFICATE, 'SIGNALING': 'server'})
    assert settings.mode == 'hybrid'


def test_explicit_server_signaling_without_agora_is_embedded():
    assert load_settings({'SIGNALING': 'server'}).mode == 'embedded'


def test_os_environ_is_read_by_default(monkeypatch):
    monkeypatch.setenv('PORT', '9123')
    assert load_settings().port == 9123


# --- python main.py with a bad setting ---------------------------------------------------------------------

DOTENV_SETTINGS = ('HOST', 'DATABASE_URL', 'STORAGE_SECRET', 'ICE_SERVERS', 'AGORA_APP_ID', 'AGORA_APP_CERTIFICATE',
                   'SIGNALING', 'TOKEN_TTL', 'RING_TIMEOUT', 'AGORA_SDK_URL')
DOTENV_SETTINGS += ('SSL_CERTFILE', 'SSL_KEYFILE', 'TURN_URLS', 'TURN_SECRET', 'TURN_TTL', 'ICE_TRANSPORT_POLICY')
DOTENV_SETTINGS += ('APP_NAME', 'APP_LOGO', 'BRAND_COLOR', 'DEMO_USERS')
DOTENV_SETTINGS += ('NICEGUI_TUNING',)
DOTENV_SETTINGS += ('ALLOWED_ORIGINS', 'SESSION_DAYS')
DOTENV_SETTINGS += ('REDIS_URL',)


def run_main(tmp_path: Path, **settings: str) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if not key.startswith(('PYTEST', 'NICEGUI_'))}
    # Empty values are the defaults and keep a developer's .env out (main.py loads it without overriding).
    env.update(dict.fromkeys(DOTENV_SETTINGS, ''))
    env.update({'DATA_DIR': str(tmp_path / 'data'), **settings})
    # A refused setting exits by itself; a server that started instead would run into the timeout.
    return subprocess.run([sys.executable, 'main.py'], cwd=PROJECT_DIR, env=env, capture_output=True, text=True,
                          timeout=60)


def assert_one_line_refusal(result: subprocess.CompletedProcess, *words: str) -> str:
    assert result.returncode != 0
    assert 'Traceback' not in result.stderr + result.stdout
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith('ringboard: cannot start: ')
    for word in words:
        assert word in lines[0]
    return lines[0]


def test_main_with_a_bad_port_exits_with_one_line(tmp_path):
    result = run_main(tmp_path, PORT='abc')
    line = assert_one_line_refusal(result, 'PORT', "'abc'")
    assert line == "ringboard: cannot start: PORT must be a whole number from 1 to 65535, not 'abc'"
    assert not (tmp_path / 'data').exists(), 'nothing is created before the settings are checked'


def test_main_with_a_bad_nicegui_tuning_exits_with_one_line(tmp_path):
    assert_one_line_refusal(run_main(tmp_path, PORT='8080', NICEGUI_TUNING='maybe'), 'NICEGUI_TUNING', "'maybe'")


def test_main_with_a_bad_database_url_exits_with_one_line(tmp_path):
    assert_one_line_refusal(run_main(tmp_path, PORT='8080', DATABASE_URL='nonsense'), 'DATABASE_URL')


def test_main_with_an_unknown_database_driver_exits_with_one_line(tmp_path):
    assert_one_line_refusal(run_main(tmp_path, PORT='8080', DATABASE_URL='nosuchdb://host/db'), 'DATABASE_URL')


def test_main_with_a_missing_logo_or_a_bad_colour_exits_with_one_line(tmp_path):
    assert_one_line_refusal(run_main(tmp_path, PORT='8080', APP_LOGO='no/such/logo.png'), 'APP_LOGO',
                            'no/such/logo.png')
    assert_one_line_refusal(run_main(tmp_path, PORT='8080', BRAND_COLOR='blue'), 'BRAND_COLOR', "'blue'")
    assert not (tmp_path / 'data').exists()


def test_main_with_an_unusable_data_dir_exits_with_one_line(tmp_path):
    blocker = tmp_path / 'a-file'
    blocker.write_text('not a folder')
    result = run_main(tmp_path, PORT='8080', DATA_DIR=str(blocker / 'data'))
    assert_one_line_refusal(result, 'DATA_DIR', str(blocker / 'data'))


def test_main_with_a_mismatched_certificate_and_key_exits_with_one_line(tmp_path):
    certificate, _ = self_signed_certificate(tmp_path, 'one')
    _, other_key = self_signed_certificate(tmp_path, 'two')
    result = run_main(tmp_path, PORT='8080', SSL_CERTFILE=str(certificate), SSL_KEYFILE=str(other_key))
    line = assert_one_line_refusal(result)
    assert line == 'ringboard: cannot start: SSL_KEYFILE is not the private key of the certificate in SSL_CERTFILE'


def test_main_with_an_unreadable_key_exits_with_one_line(tmp_path):
    certificate, _ = self_signed_certificate(tmp_path)
    result = run_main(tmp_path, PORT='8080', SSL_CERTFILE=str(certificate), SSL_KEYFILE=str(tmp_path / 'missing.key'))
    assert_one_line_refusal(result, 'SSL_KEYFILE', 'missing.key')


# --- across a network: HTTPS, TURN and the ICE policy ----------------------------------------------------------

TURN = {'TURN_URLS': 'turn:turn.example.org:3478, turns:turn.example.org:5349?transport=tcp',
        'TURN_SECRET': 'north-wind'}


def test_network_defaults():
    settings = load_settings({})
    assert (settings.ssl_certfile, settings.ssl_keyfile) == ('', '')
    assert (settings.turn_urls, settings.turn_secret, settings.turn_ttl) == ((), '', 86400)
    assert settings.ice_transport_policy == 'all'
    assert settings.warnings == []


def test_turn_settings_are_read():
    settings = load_settings({**TURN, 'TURN_TTL': '3600', 'ICE_TRANSPORT_POLICY': 'relay'})
    assert settings.turn_urls == ('turn:turn.example.org:3478', 'turns:turn.example.org:5349?transport=tcp')
    assert (settings.turn_secret, settings.turn_ttl, settings.ice_transport_policy) == ('north-wind', 3600, 'relay')
    assert settings.warnings == []


def test_relay_with_a_static_turn_server_is_enough():
    servers = json.dumps([{'urls': 'turn:turn.example.org:3478', 'username': 'u', 'credential': 'p'}])
    assert load_settings({'ICE_SERVERS': servers, 'ICE_TRANSPORT_POLICY': 'relay'}).ice_transport_policy == 'relay'


def test_a_certificate_and_its_key_are_accepted(tmp_path):
    certificate, key = self_signed_certificate(tmp_path)
    settings = load_settings({'SSL_CERTFILE': str(certificate), 'SSL_KEYFILE': str(key)})
    assert (settings.ssl_certfile, settings.ssl_keyfile) == (str(certificate), str(key))


@pytest.mark.parametrize(('env', 'setting'), [
    pytest.param({'TURN_URLS': 'turn:a.org:3478'}, 'TURN_SECRET', id='turn-without-secret'),
    pytest.param({'TURN_SECRET': 'x'}, 'TURN_URLS', id='secret-without-turn'),
    pytest.param({**TURN, 'TURN_URLS': 'stun:a.org:3478'}, 'TURN_URLS', id='turn-url-stun'),
    pytest.param({**TURN, 'TURN_URLS': 'turn.example.org:3478'}, 'TURN_URLS', id='turn-url-no-scheme'),
    pytest.param({**TURN, 'TURN_TTL': '10'}, 'TURN_TTL', id='turn-ttl-short'),
    pytest.param({**TURN, 'TURN_TTL': 'a day'}, 'TURN_TTL', id='turn-ttl-word'),
    pytest.param({'ICE_TRANSPORT_POLICY': 'none'}, 'ICE_TRANSPORT_POLICY', id='policy-bogus'),
    pytest.param({'ICE_TRANSPORT_POLICY': 'relay'}, 'ICE_TRANSPORT_POLICY', id='relay-without-turn'),
    pytest.param({'ICE_TRANSPORT_POLICY': 'relay', 'ICE_SERVERS': '[{"urls": "stun:a.org"}]'},
                 'ICE_TRANSPORT_POLICY', id='relay-with-only-stun'),
    pytest.param({'SSL_CERTFILE': 'cert.pem'}, 'SSL_KEYFILE', id='certificate-without-key'),
    pytest.param({'SSL_KEYFILE': 'key.pem'}, 'SSL_CERTFILE', id='key-without-certificate'),
    pytest.param({'SSL_CERTFILE': '/no/such.crt', 'SSL_KEYFILE': '/no/such.key'}, 'SSL_CERTFILE',
                 id='certificate-missing'),
])
def test_bad_network_value_names_its_setting(env, setting):
    with pytest.raises(SettingsError) as refusal:
        load_settings(env)
    assert setting in str(refusal.value)


def test_files_that_are_not_a_certificate_and_its_plain_key_are_refused(tmp_path):
    certificate, key = self_signed_certificate(tmp_path)
    with pytest.raises(SettingsError, match='SSL_CERTFILE is not a PEM certificate'):
        load_settings({'SSL_CERTFILE': str(key), 'SSL_KEYFILE': str(key)})
    with pytest.raises(SettingsError, match='SSL_KEYFILE is not a PEM private key'):
        load_settings({'SSL_CERTFILE': str(certificate), 'SSL_KEYFILE': str(certificate)})
    locked = tmp_path / 'locked.key'
    subprocess.run(['openssl', 'pkey', '-in', str(key), '-aes256', '-passout', 'pass:hunter2', '-out', str(locked)],
                   check=True, capture_output=True)
    with pytest.raises(SettingsError, match='SSL_KEYFILE is protected by a passphrase'):
        load_settings({'SSL_CERTFILE': str(certificate), 'SSL_KEYFILE': str(locked)})


def test_a_secret_is_never_echoed():
    with pytest.raises(SettingsError) as refusal:
        load_settings({'TURN_URLS': 'turn:a.org', 'TURN_SECRET': 'hunter2secret', 'TURN_TTL': 'x'})
    assert 'hunter2secret' not in str(refusal.value)


@pytest.mark.parametrize('signaling', ['server', 'agora-rtm', 'agora-signaling'])
def test_ice_settings_are_a_warning_in_the_agora_modes(signaling):
    settings = load_settings({'AGORA_APP_ID': APP_ID, 'AGORA_APP_CERTIFICATE': CERTIFICATE, 'SIGNALING': signaling,
                              **TURN, 'ICE_TRANSPORT_POLICY': 'relay'})
    assert settings.warnings == [f'TURN_URLS, TURN_SECRET, ICE_TRANSPORT_POLICY have no effect in {settings.mode} '
                                 'mode: the media goes through Agora RTC']
    relay_alone = load_settings({'AGORA_APP_ID': APP_ID, 'AGORA_APP_CERTIFICATE': CERTIFICATE,
                                 'ICE_TRANSPORT_POLICY': 'relay'})  # no TURN server: not an error here
    assert relay_alone.warnings == \
        ['ICE_TRANSPORT_POLICY has no effect in agora-signaling mode: the media goes through Agora RTC']


def test_main_prints_the_warning_and_starts(start_app):
    app = start_app(AGORA_APP_ID=APP_ID, AGORA_APP_CERTIFICATE=CERTIFICATE, SIGNALING='server', **TURN)
    assert 'ringboard: warning: TURN_URLS, TURN_SECRET have no effect in hybrid mode' in app.log()


# --- the storage secret ------------------------------------------------------------------------------------

def test_storage_secret_is_generated_once_owner_only_and_kept(tmp_path):
    data_dir = tmp_path / 'data'
    secret = load_or_create_storage_secret('', data_dir)
    path = data_dir / 'storage_secret'
    assert len(secret) >= 32
    assert path.read_text() == secret
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_or_create_storage_secret('', data_dir) == secret
    assert load_or_create_storage_secret('', tmp_path / 'elsewhere') != secret, 'each data folder has its own'


def test_configured_storage_secret_wins(tmp_path):
    data_dir = tmp_path / 'data'
    generated = load_or_create_storage_secret('', data_dir)
    assert load_or_create_storage_secret('from the environment', data_dir) == 'from the environment'
    assert (data_dir / 'storage_secret').read_text() == generated


def test_configured_storage_secret_creates_no_file(tmp_path):
    assert load_or_create_storage_secret('from the environment', tmp_path / 'data') == 'from the environment'
    assert not (tmp_path / 'data' / 'storage_secret').exists()


def test_storage_secret_from_the_settings(tmp_path):
    settings = load_settings({'DATA_DIR': str(tmp_path), 'STORAGE_SECRET': 'configured'})
    assert load_or_create_storage_secret(settings.storage_secret, settings.data_dir) == 'configured'
    settings = load_settings({'DATA_DIR': str(tmp_path)})
    generated = load_or_create_storage_secret(settings.storage_secret, settings.data_dir)
    assert generated == (tmp_path / 'storage_secret').read_text()


def test_an_empty_secret_file_is_replaced_never_used(tmp_path):
    """A crash between creating and writing the file must not leave sessions signed with an empty key."""
    (tmp_path / 'storage_secret').write_text('\n')
    secret = load_or_create_storage_secret('', tmp_path)
    assert len(secret) >= 32
    assert (tmp_path / 'storage_secret').read_text() == secret
    assert stat.S_IMODE((tmp_path / 'storage_secret').stat().st_mode) == 0o600


# --- REDIS_URL ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize('url', ['redis://127.0.0.1:6379/0', 'redis://:secret@redis.example.org', 'rediss://h:6380/2',
                                 'unix:///run/redis/redis.sock'])
def test_a_redis_url_is_kept(url):
    assert load_settings({}).redis_url == ''
    assert load_settings({'REDIS_URL': f' {url} '}).redis_url == url


@pytest.mark.parametrize('url', ['localhost:6379', 'http://h:6379', 'redis://h:99999', 'redis://h/db', 'redis:///0',
                                 'redis://:hunter2secret@h:port/0', 'unix://'])
def test_a_malformed_redis_url_is_refused_without_echoing_it(url):
    with pytest.raises(SettingsError, match=r'^REDIS_URL must be a Redis URL like redis://') as refusal:
        load_settings({'REDIS_URL': url})
    assert 'hunter2secret' not in str(refusal.value)


def test_main_with_a_malformed_redis_url_exits_with_one_line(tmp_path):
    assert_one_line_refusal(run_main(tmp_path, PORT='8080', REDIS_URL='redis//127.0.0.1'), 'REDIS_URL')


def test_main_with_redis_unreachable_exits_with_one_line(tmp_path):
    from .redis_server import free_tcp_port  # nothing listens there
    line = assert_one_line_refusal(run_main(tmp_path, PORT='8080', REDIS_URL=f'redis://127.0.0.1:{free_tcp_port()}/0'),
                                   'REDIS_URL', 'Redis does not answer')
    assert 'Connection refused' in line


def test_the_app_runs_with_its_calls_in_redis(start_app, redis_server):
    import urllib.request
    server = start_app(REDIS_URL=redis_server.url)
    with urllib.request.urlopen(server.url + '/login', timeout=10) as page:
        assert page.status == 200


def test_settings_print_no_secrets():
    settings = Settings(database_url='postgresql://u:dbpass@h/db', storage_secret='storesecret',
                        agora_app_certificate='c' * 32, turn_secret='turnsecret', redis_url='redis://:redispass@h:1')
    shown = repr(settings)
    for secret in ('dbpass', 'storesecret', 'c' * 32, 'turnsecret', 'redispass'):
        assert secret not in shown
    assert 'host=' in shown
