"""Display names: NULL shows the username.

Revision ID: 0002
"""
import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'


def upgrade() -> None:
    op.add_column('users', sa.Column('display_name', sa.String(64), nullable=True))


def downgrade() -> None:
    op.drop_column('users', 'display_name')
