"""The kind of each call: video or voice (the calls before it were all video).

Revision ID: 0004
"""
import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'


def upgrade() -> None:
    op.add_column('calls', sa.Column('kind', sa.String(8), nullable=False, server_default='video'))


def downgrade() -> None:
    op.drop_column('calls', 'kind')
