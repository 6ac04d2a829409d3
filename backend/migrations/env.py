"""Alembic's entry point: runs the migrations on the connection `backend/schema.py` hands it (no alembic.ini)."""
from alembic import context

context.configure(connection=context.config.attributes['connection'], render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
