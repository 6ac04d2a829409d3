"""The schema of the releases before migrations: accounts and the call history.

Revision ID: 0001
"""
import sqlalchemy as sa
from alembic import op

revision = '0001'
down_revision = None


def upgrade() -> None:
    op.create_table(
        'users',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('username', sa.String(32), nullable=False),
        sa.Column('username_key', sa.String(32), nullable=False, unique=True),
        sa.Column('password_hash', sa.String(60), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('history_seen_at', sa.DateTime(timezone=True), nullable=True),
    )
    op.create_table(
        'calls',
        sa.Column('id', sa.String(36), primary_key=True),
        sa.Column('caller_id', sa.Integer(), sa.ForeignKey('users.id'), nullable=False, index=True),
        sa.Column('callee_id', sa.Integer(), sa.ForeignKey('users.id'), nullable=False, index=True),
        sa.Column('channel', sa.String(64), nullable=False),
        sa.Column('state', sa.String(16), nullable=False),
        sa.Column('end_reason', sa.String(32), nullable=False),
        sa.Column('ended_by', sa.String(32), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False, index=True),
        sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('ended_at', sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table('calls')
    op.drop_table('users')
