"""sessions that can be ended (a per-user epoch in the session id), and failed logins counted for throttling

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 08:30:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user') as batch:
        batch.add_column(sa.Column('session_epoch', sa.Integer(), nullable=False, server_default='0'))
    op.create_table(
        'login_failure',
        sa.Column('key', sa.String(length=80), nullable=False),
        sa.Column('failures', sa.Integer(), nullable=False),
        sa.Column('window_start', sa.DateTime(), nullable=False),
        sa.Column('locked_until', sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint('key', name=op.f('pk_login_failure')),
    )


def downgrade():
    op.drop_table('login_failure')
    with op.batch_alter_table('user') as batch:
        batch.drop_column('session_epoch')
