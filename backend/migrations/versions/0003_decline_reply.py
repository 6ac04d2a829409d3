"""A declined call keeps the callee's reply ("In a meeting"); NULL: declined without one, or not declined.

Revision ID: 0003
"""
import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'


def upgrade() -> None:
    op.add_column('calls', sa.Column('reply', sa.String(120), nullable=True))


def downgrade() -> None:
    op.drop_column('calls', 'reply')
