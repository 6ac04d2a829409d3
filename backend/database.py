"""SQLAlchemy engine, session factory and the typed models (SQLite by default, any SQLAlchemy URL works)."""
from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import ClassVar

from sqlalchemy import DateTime, ForeignKey, String, TypeDecorator, create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, sessionmaker

from .schema import migrate


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """Aware UTC datetimes on every database (SQLite hands back naive ones otherwise)."""
    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


class Base(DeclarativeBase):
    type_annotation_map: ClassVar = {datetime: UTCDateTime}


class User(Base):
    __tablename__ = 'users'

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(32))
    # Lower-cased copy with the unique index: "Bob" and "bob" are one name, on every database.
    username_key: Mapped[str] = mapped_column(String(32), unique=True)
    password_hash: Mapped[str] = mapped_column(String(60))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # When the user last opened their call history: missed calls after this are counted as new.
    history_seen_at: Mapped[datetime | None] = mapped_column(default=None)
    display_name: Mapped[str | None] = mapped_column(String(64), default=None)  # None: the username shows
    theme: Mapped[str | None] = mapped_column(String(8), default=None)  # 'dark', 'light'; None: the system's


class CallRecord(Base):
    """One row per call attempt, written once when the call ends."""
    __tablename__ = 'calls'

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    caller_id: Mapped[int] = mapped_column(ForeignKey('users.id'), index=True)
    callee_id: Mapped[int] = mapped_column(ForeignKey('users.id'), index=True)
    channel: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(16))
    end_reason: Mapped[str] = mapped_column(String(32))
    ended_by: Mapped[str | None] = mapped_column(String(32), default=None)
    created_at: Mapped[datetime] = mapped_column(index=True)
    answered_at: Mapped[datetime | None] = mapped_column(default=None)
    ended_at: Mapped[datetime] = mapped_column()
    reply: Mapped[str | None] = mapped_column(String(120), default=None)  # the callee's words with a decline
    kind: Mapped[str] = mapped_column(String(8), default='video', server_default='video')  # video | voice


def create_database(url: str) -> sessionmaker:
    """Create the engine, bring the schema up to date (backend/schema.py) and return a session factory."""
    is_sqlite = url.startswith('sqlite')
    database_file = make_url(url).database if is_sqlite else None
    if database_file and database_file != ':memory:':
        Path(database_file).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={'check_same_thread': False, 'timeout': 30} if is_sqlite else {},
                           pool_pre_ping=not is_sqlite)
    if is_sqlite:
        event.listen(engine, 'connect', _sqlite_pragmas)
    migrate(engine)
    return sessionmaker(engine, expire_on_commit=False)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # WAL lets readers go on while a writer commits; foreign keys are off in SQLite unless asked for.
    cursor = dbapi_connection.cursor()
    cursor.execute('PRAGMA journal_mode=WAL')
    cursor.execute('PRAGMA foreign_keys=ON')
    cursor.close()


def dispose(session_factory: sessionmaker) -> None:
    engine = session_factory.kw['bind']
    assert isinstance(engine, Engine)
    engine.dispose()
