"""Brings a database to the current schema in place at start-up, with Alembic (migrations in backend/migrations/).

A database made before migrations existed has the tables of the first migration and no `alembic_version`
table: it is stamped as that first revision, then upgraded like any other.

Several processes may start at once on one PostgreSQL database (deploy/): each migrates inside one transaction
that first takes a PostgreSQL advisory lock, so one migrates and the others then find the schema current.
"""
from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine

MIGRATIONS = Path(__file__).with_name('migrations')
FIRST_REVISION = '0001'
MIGRATION_LOCK = 0x72696E67  # PostgreSQL advisory lock id held while migrating ("ring")


def migrate(engine: Engine) -> None:
    config = Config()
    config.set_main_option('script_location', str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes['connection'] = connection
        if connection.dialect.name == 'postgresql':  # held until this transaction ends
            connection.execute(text('SELECT pg_advisory_xact_lock(:lock)'), {'lock': MIGRATION_LOCK})
        tables = inspect(connection).get_table_names()
        if 'users' in tables and 'alembic_version' not in tables:
            command.stamp(config, FIRST_REVISION)
        command.upgrade(config, 'head')
