"""Registration and login: the username and password rules, bcrypt hashing, case-insensitive uniqueness.

Every method here blocks (bcrypt, database): the UI calls them through `run.io_bound`.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass

import bcrypt
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import sessionmaker

from .database import User
from .display_name import display_name_problem
from .login_throttle import LoginThrottle
from .rate_limit import RateLimit

USERNAME_PATTERN = re.compile(r'[A-Za-z0-9_.-]{3,32}')
PASSWORD_MIN_BYTES = 8
PASSWORD_MAX_BYTES = 72  # bcrypt ignores everything after 72 bytes: refuse rather than truncate silently
WRONG_CREDENTIALS = 'Wrong username or password.'
# Failed logins from one address, whatever the names: guessing many names from one place is slowed down too.
ADDRESS_FAILURES = 20
# New accounts from one address: a team signing up together passes, a script filling the directory does not.
REGISTRATIONS_PER_ADDRESS, REGISTRATION_WINDOW = 10, 600.0
NO_PASSWORD = '!'  # the stored hash of a demo person (DEMO_USERS): no password matches it, bcrypt never sees it

THEMES = ('dark', 'light', None)  # None: follow the system's preference


class AccountError(ValueError):
    """A refusal whose message can be shown to the user as it is."""


@dataclass(frozen=True, order=True)
class Account:
    username: str
    id: int
    display_name: str = ''  # '' when the user has none: the username shows


def username_problem(username: str) -> str | None:
    """What is wrong with a username, in words for the user, or None."""
    if not username:
        return 'Please choose a username.'
    if len(username) < 3 or len(username) > 32:
        return 'A username has 3 to 32 characters.'
    if not USERNAME_PATTERN.fullmatch(username):
        return 'A username may only use the letters A-Z and a-z, digits, dot, dash and underscore.'
    return None


def password_problem(password: str) -> str | None:
    try:
        size = len(password.encode())
    except UnicodeEncodeError:  # a lone surrogate, which a scripted client can send
        return 'A password cannot contain this character: please choose another password.'
    if size == 0:
        return 'Please choose a password.'
    if size < PASSWORD_MIN_BYTES:
        return f'A password needs at least {PASSWORD_MIN_BYTES} characters.'
    if size > PASSWORD_MAX_BYTES:
        return f'A password can be at most {PASSWORD_MAX_BYTES} bytes long (this one has {size}).'
    return None


class Accounts:
    def __init__(self, sessions: sessionmaker, throttle: LoginThrottle | None = None,
                 bcrypt_rounds: int = 12, *, address_throttle: LoginThrottle | None = None,
                 registrations: RateLimit | None = None) -> None:
        self._sessions = sessions
        # Failures count per (username, address): guesses from elsewhere cannot lock the real user out.
        self.throttle = throttle or LoginThrottle()
        self.address_throttle = address_throttle or LoginThrottle(max_failures=ADDRESS_FAILURES)
        self.registrations = registrations or RateLimit(REGISTRATIONS_PER_ADDRESS, REGISTRATION_WINDOW)
        self._rounds = bcrypt_rounds
        # Compared against when the username is unknown, so both refusals take the same time.
        self._dummy_hash = bcrypt.hashpw(b'not a password', bcrypt.gensalt(bcrypt_rounds))

    def register(self, username: str, password: str, address: str = '') -> Account:
        """Create an account; `address` is where the request came from (its registrations are limited)."""
        problem = username_problem(username) or password_problem(password)
        if problem:
            raise AccountError(problem)
        wait = self.registrations.take(address) if address else 0  # no address: not a web request
        if wait:
            minutes = math.ceil(wait / 60)
            raise AccountError(f'Too many new accounts from your network. Please try again in {minutes} '
                               f'minute{"" if minutes == 1 else "s"}.')
        password_hash = bcrypt.hashpw(password.encode(), bcrypt.gensalt(self._rounds)).decode()
        taken = AccountError(f'The username "{username}" is taken. Please choose another one.')
        with self._sessions() as session:
            if session.scalar(select(User.id).where(User.username_key == username.lower())) is not None:
                raise taken
            user = User(username=username, username_key=username.lower(), password_hash=password_hash)
            session.add(user)
            try:
                session.commit()
            except IntegrityError:  # lost a race against another registration of the same name
                raise taken from None
            return Account(user.username, user.id)

    def login(self, username: str, password: str, address: str = '') -> Account:
        """Check a username and password; `address` is where the attempt came from (failures count per name
        and address, and per address across names)."""
        name_key = username.lower()
        key = (name_key, address)
        wait = self.throttle.begin(key)
        if not wait and address:  # no address: not a web request
            wait = self.address_throttle.begin(address)
            if wait:
                self.throttle.cancel(key)
        if wait:
            raise AccountError(f'Too many failed attempts for this username. Please try again in {wait} '
                               f'second{"" if wait == 1 else "s"}.')
        try:
            with self._sessions() as session:
                user = session.scalar(select(User).where(User.username_key == name_key)) if username else None
            encoded = password.encode(errors='surrogatepass')  # a lone surrogate is just a wrong password
            usable = user is not None and user.password_hash != NO_PASSWORD
            stored = user.password_hash.encode() if usable else self._dummy_hash
            matches = 0 < len(encoded) <= PASSWORD_MAX_BYTES and bcrypt.checkpw(encoded, stored) and usable
        except BaseException:
            self.throttle.cancel(key)
            if address:
                self.address_throttle.cancel(address)
            raise
        if user is None or not matches:
            self.throttle.record_failure(key)
            if address:
                self.address_throttle.record_failure(address)
            raise AccountError(WRONG_CREDENTIALS)
        self.throttle.record_success(key)
        if address:
            self.address_throttle.cancel(address)  # the address's failures for other names still count
        return _account(user)

    def change_password(self, username: str, current: str, new: str, address: str = '') -> None:
        """Replace the password after checking the current one exactly as a login does (and slowed down as one)."""
        problem = password_problem(new)
        if problem:
            raise AccountError(problem)
        try:
            self.login(username, current, address)
        except AccountError as refusal:
            raise AccountError('Your current password is not right.' if str(refusal) == WRONG_CREDENTIALS
                               else str(refusal)) from None
        password_hash = bcrypt.hashpw(new.encode(), bcrypt.gensalt(self._rounds)).decode()
        with self._sessions() as session:
            user = session.scalar(select(User).where(User.username_key == username.lower()))
            user.password_hash = password_hash
            session.commit()

    def set_display_name(self, username: str, display_name: str) -> Account:
        """Trim and store the display name ('' clears it); a name that breaks the rule is refused in words."""
        name = display_name.strip()
        problem = display_name_problem(name)
        if problem:
            raise AccountError(problem)
        with self._sessions() as session:
            user = session.scalar(select(User).where(User.username_key == username.lower()))
            if user is None:
                raise AccountError(f'There is no account "{username}".')
            user.display_name = name or None
            session.commit()
            return _account(user)

    def theme_of(self, username: str) -> str | None:
        """The person's pick of 'dark' or 'light', or None to follow their system."""
        with self._sessions() as session:
            return session.scalar(select(User.theme).where(User.username_key == username.lower()))

    def set_theme(self, username: str, theme: str | None) -> None:
        """Keep the person's pick ('dark', 'light', or None to follow their system)."""
        if theme not in THEMES:
            raise AccountError(f'There is no theme "{theme}".')
        with self._sessions() as session:
            user = session.scalar(select(User).where(User.username_key == username.lower()))
            if user is None:
                raise AccountError(f'There is no account "{username}".')
            user.theme = theme
            session.commit()

    def add_demo_person(self, username: str, display_name: str = '') -> Account:
        """The demo person of that name, created without a usable password if missing. An account registered
        with a password is never turned into one (anyone could then sign in as its owner)."""
        try:
            return self._add_demo_person(username, display_name)
        except IntegrityError:  # another process on the same database created them at the same moment
            return self._add_demo_person(username, display_name)

    def _add_demo_person(self, username: str, display_name: str) -> Account:
        with self._sessions() as session:
            user = session.scalar(select(User).where(User.username_key == username.lower()))
            if user is None:
                user = User(username=username, username_key=username.lower(), password_hash=NO_PASSWORD)
                session.add(user)
            elif user.password_hash != NO_PASSWORD:
                raise AccountError(f'"{user.username}" is an account registered with a password, not a demo person: '
                                   f'choose another name')
            if display_name and not user.display_name:  # a name the person chose since then stays
                user.display_name = display_name
            session.commit()
            return _account(user)

    def all(self) -> list[Account]:
        with self._sessions() as session:
            return [Account(name, id_, display_name or '') for id_, name, display_name
                    in session.execute(select(User.id, User.username, User.display_name))]


def _account(user: User) -> Account:
    return Account(user.username, user.id, user.display_name or '')
