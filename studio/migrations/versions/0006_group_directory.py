"""the group directory: channels carry segments, region, store, members, tags, owner and where they came from

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 16:30:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

COLUMNS = (
    sa.Column('segments', sa.JSON(), nullable=False, server_default='[]'),
    sa.Column('region', sa.String(length=100), nullable=False, server_default=''),
    sa.Column('store', sa.String(length=100), nullable=False, server_default=''),
    sa.Column('members', sa.Integer(), nullable=False, server_default='0'),
    sa.Column('tags', sa.JSON(), nullable=False, server_default='[]'),
    sa.Column('owner', sa.String(length=100), nullable=False, server_default=''),
    sa.Column('origin', sa.String(length=16), nullable=False, server_default='kit'),
    sa.Column('joined_at', sa.DateTime(), nullable=True),
)


def upgrade():
    with op.batch_alter_table('channel') as batch:
        for column in COLUMNS:
            batch.add_column(column.copy())


def downgrade():
    with op.batch_alter_table('channel') as batch:
        for column in reversed(COLUMNS):
            batch.drop_column(column.name)
