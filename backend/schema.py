"""Brings a database to the current schema in place at start-up, with Alembic (migrations in backend/migrations/).

A database made before migrations existed has the tables of the first migration and no `alembic_version`
table: it is stamped as that first revision, then upgraded like any other.
"""
from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import inspect
from sqlalchemy.engine import Engine

MIGRATIONS = Path(__file__).with_name('migrations')
FIRST_REVISION = '0001'


def migrate(engine: Engine) -> None:
    config = Config()
    config.set_main_option('script_location', str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes['connection'] = connection
        tables = inspect(connection).get_table_names()
        if 'users' in tables and 'alembic_version' not in tables:
            command.stamp(config, FIRST_REVISION)
        command.upgrade(config, 'head')
