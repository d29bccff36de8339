"""per-bot rate budgets

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 10:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('rate_budget',
    sa.Column('target_key', sa.String(length=64), nullable=False),
    sa.Column('window_ms', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('hits', sa.Text(), nullable=False),
    sa.Column('paused_until', sa.Float(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('target_key', 'window_ms', name=op.f('pk_rate_budget'))
    )


def downgrade():
    op.drop_table('rate_budget')
