"""Each person's light or dark pick (NULL: follow the system).

Revision ID: 0005
"""
import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'


def upgrade() -> None:
    op.add_column('users', sa.Column('theme', sa.String(8), nullable=True))


def downgrade() -> None:
    op.drop_column('users', 'theme')
