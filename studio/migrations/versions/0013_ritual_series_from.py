"""a ritual's series is followed from its last edit or reactivation, not only from its creation

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03 08:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('ritual', sa.Column('series_from', sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('ritual') as batch_op:
        batch_op.drop_column('series_from')
