"""The login and register pages and the login gate, with NiceGUI's simulated user (no browser).

The app is `main.py` as configured in pytest.ini; every test has its own data folder (tests/conftest.py).
bcrypt runs at the real cost (about 0.25 s a hash), so waits for a page after a submit get more retries.
"""
from __future__ import annotations

import pytest
from nicegui import ui
from nicegui.testing import User

PASSWORD = 'correct horse'
SLOW = 100  # should_see retries 0.1 s apart: enough for a bcrypt hash on the worker thread and a page load
SETTINGS = ('HOST', 'PORT', 'DATABASE_URL', 'STORAGE_SECRET', 'ICE_SERVERS', 'AGORA_APP_ID', 'AGORA_APP_CERTIFICATE',
            'SIGNALING', 'TOKEN_TTL', 'AGORA_SDK_URL')


@pytest.fixture(autouse=True)
def no_dotenv(monkeypatch: pytest.MonkeyPatch) -> None:
    """main.py loads a developer's .env without overriding what is set: empty values (= the defaults) keep it out."""
    for name in SETTINGS:
        monkeypatch.setenv(name, '')


def text_of(user: User, marker: str) -> str:
    [element] = user.find(marker=marker).elements
    assert isinstance(element, ui.label)
    return element.text


async def fill_register(user: User, username: str, password: str = PASSWORD, confirm: str | None = None) -> None:
    await user.open('/register')
    user.find(marker='register-username').type(username)
    user.find(marker='register-password').type(password)
    user.find(marker='register-password-confirm').type(password if confirm is None else confirm)
    user.find(marker='register-submit').click()


async def register(user: User, username: str, password: str = PASSWORD) -> None:
    await fill_register(user, username, password)
    await user.should_see(marker='me', content=username, retries=SLOW)
    assert text_of(user, 'me') == username


async def fill_login(user: User, username: str, password: str = PASSWORD) -> None:
    await user.open('/login')
    user.find(marker='login-username').type(username)
    user.find(marker='login-password').type(password)
    user.find(marker='login-submit').click()


async def log_out(user: User) -> None:
    user.find(marker='logout').click()
    await user.should_see(marker='login-submit', retries=SLOW)
    await user.should_not_see(marker='me')


async def expect_refusal(user: User, message: str, page: str) -> None:
    await user.should_see(marker='auth-error', content=message, retries=SLOW)
    assert text_of(user, 'auth-error') == message
    await user.should_see(marker=f'{page}-submit')
    await user.should_not_see(marker='me')


# --- the login gate ----------------------------------------------------------------------------------------

async def test_anonymous_visitor_lands_on_the_login_page(user: User):
    await user.open('/')
    await user.should_see(marker='login-submit')
    await user.should_see(marker='login-username')
    await user.should_see(marker='login-password')
    await user.should_not_see(marker='me')
    await user.should_not_see(marker='auth-error')


async def test_any_other_page_sends_an_anonymous_visitor_to_login(user: User):
    await user.open('/no-such-page')
    await user.should_see(marker='login-submit')


async def test_register_page_is_open_to_anonymous_visitors(user: User):
    await user.open('/register')
    await user.should_see(marker='register-submit')
    await user.should_not_see(marker='auth-error')


async def test_login_page_links_to_register_and_back(user: User):
    await user.open('/login')
    user.find('Create an account').click()
    await user.should_see(marker='register-submit', retries=SLOW)
    user.find('Sign in').click()
    await user.should_see(marker='login-submit', retries=SLOW)


# --- registering -------------------------------------------------------------------------------------------

async def test_register_lands_on_the_dashboard_with_my_name(user: User):
    await register(user, 'alice')
    await user.should_not_see(marker='login-submit')
    await user.should_see(marker='logout')


async def test_a_registered_user_opening_login_or_register_goes_to_the_dashboard(user: User):
    await register(user, 'alice')
    for page in ('/login', '/register'):
        await user.open(page)
        await user.should_see(marker='me', content='alice', retries=SLOW)


async def test_the_session_is_kept_across_page_loads(user: User):
    await register(user, 'alice')
    await user.open('/')
    await user.should_see(marker='me', content='alice')


async def test_bad_username_is_refused_on_the_register_page(user: User):
    await fill_register(user, 'al ice')
    await expect_refusal(user, 'A username may only use the letters A-Z and a-z, digits, dot, dash and underscore.',
                         'register')


async def test_html_username_is_refused_and_shown_as_text(user: User):
    await fill_register(user, '<img src=x onerror=alert(1)>')
    await expect_refusal(user, 'A username may only use the letters A-Z and a-z, digits, dot, dash and underscore.',
                         'register')


async def test_short_username_is_refused(user: User):
    await fill_register(user, 'al')
    await expect_refusal(user, 'A username has 3 to 32 characters.', 'register')


async def test_empty_form_is_refused(user: User):
    await user.open('/register')
    user.find(marker='register-submit').click()
    await expect_refusal(user, 'Please choose a username.', 'register')


async def test_short_password_is_refused(user: User):
    await fill_register(user, 'alice', 'short')
    await expect_refusal(user, 'A password needs at least 8 characters.', 'register')


async def test_too_long_password_is_refused_not_truncated(user: User):
    await fill_register(user, 'alice', 'x' * 73)
    await expect_refusal(user, 'A password can be at most 72 bytes long (this one has 73).', 'register')


async def test_mismatched_confirmation_is_refused(user: User):
    await fill_register(user, 'alice', PASSWORD, 'correct horsE')
    await expect_refusal(user, 'The two passwords do not match.', 'register')
    # Nothing was created: the name is still free.
    user.find(marker='register-password-confirm').clear().type(PASSWORD)
    user.find(marker='register-submit').click()
    await user.should_see(marker='me', content='alice', retries=SLOW)


async def test_enter_in_the_confirmation_field_submits(user: User):
    await user.open('/register')
    user.find(marker='register-username').type('alice')
    user.find(marker='register-password').type(PASSWORD)
    user.find(marker='register-password-confirm').type(PASSWORD).trigger('keydown.enter')
    await user.should_see(marker='me', content='alice', retries=SLOW)


async def test_duplicate_name_in_other_case_is_refused(user: User):
    await register(user, 'Bob')
    await log_out(user)
    await fill_register(user, 'bob', 'another password')
    await expect_refusal(user, 'The username "bob" is taken. Please choose another one.', 'register')
    # The first owner still logs in, with either case.
    await fill_login(user, 'BOB')
    await user.should_see(marker='me', content='Bob', retries=SLOW)
    assert text_of(user, 'me') == 'Bob'


async def test_a_refusal_then_a_success(user: User):
    await fill_register(user, 'al')
    await expect_refusal(user, 'A username has 3 to 32 characters.', 'register')
    user.find(marker='register-username').type('ice')
    user.find(marker='register-submit').click()
    await user.should_see(marker='me', content='alice', retries=SLOW)


# --- logging out and in ------------------------------------------------------------------------------------

async def test_log_out_lands_on_login_and_the_dashboard_is_closed_again(user: User):
    await register(user, 'alice')
    await log_out(user)
    await user.open('/')
    await user.should_see(marker='login-submit')
    await user.should_not_see(marker='me')


async def test_log_in_after_log_out(user: User):
    await register(user, 'alice')
    await log_out(user)
    await fill_login(user, 'alice')
    await user.should_see(marker='me', content='alice', retries=SLOW)


async def test_log_in_with_the_enter_key(user: User):
    await register(user, 'alice')
    await log_out(user)
    await user.open('/login')
    user.find(marker='login-username').type('alice')
    user.find(marker='login-password').type(PASSWORD).trigger('keydown.enter')
    await user.should_see(marker='me', content='alice', retries=SLOW)


async def test_log_in_ignores_surrounding_spaces_in_the_username(user: User):
    await register(user, 'alice')
    await log_out(user)
    await fill_login(user, '  alice ')
    await user.should_see(marker='me', content='alice', retries=SLOW)


async def test_wrong_password_is_refused(user: User):
    await register(user, 'alice')
    await log_out(user)
    await fill_login(user, 'alice', 'wrong password')
    await expect_refusal(user, 'Wrong username or password.', 'login')
    [password] = user.find(marker='login-password').elements
    assert isinstance(password, ui.input)
    assert password.value == '', 'the refused password is cleared'


async def test_unknown_username_gets_the_same_message(user: User):
    await fill_login(user, 'nobody')
    await expect_refusal(user, 'Wrong username or password.', 'login')


async def test_empty_login_form_is_refused(user: User):
    await user.open('/login')
    user.find(marker='login-submit').click()
    await expect_refusal(user, 'Please enter your username and password.', 'login')


async def test_repeated_failures_lock_the_username(user: User):
    await register(user, 'alice')
    await log_out(user)
    for _ in range(5):
        await fill_login(user, 'alice', 'wrong password')
        await expect_refusal(user, 'Wrong username or password.', 'login')
    await fill_login(user, 'alice')
    await user.should_see(marker='auth-error', content='Too many failed attempts', retries=SLOW)
    await user.should_not_see(marker='me')


# --- two users ---------------------------------------------------------------------------------------------

async def test_two_users_see_each_other_and_not_themselves(create_user):
    alice, bob = create_user(), create_user()
    await register(alice, 'alice')
    await alice.should_not_see(marker='user-alice')

    await register(bob, 'bob')
    await bob.should_see(marker='user-alice')
    await bob.should_not_see(marker='user-bob')
    # Alice's open dashboard gets bob's row live, without a reload.
    await alice.should_see(marker='user-bob', retries=SLOW)
    await alice.should_not_see(marker='user-alice')
    assert text_of(alice, 'me') == 'alice'
    assert text_of(bob, 'me') == 'bob'


async def test_two_browsers_have_separate_sessions(create_user):
    alice, bob = create_user(), create_user()
    await register(alice, 'alice')
    await bob.open('/')
    await bob.should_see(marker='login-submit')
    await bob.should_not_see(marker='me')
    await register(bob, 'bob')
    await log_out(bob)
    await alice.open('/')
    await alice.should_see(marker='me', content='alice')
