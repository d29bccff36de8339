"""index deliveries by status and due time

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 10:00:00.000000

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    # Every dispatcher tick looks deliveries up by status; sent ones pile up, so it must not scan them.
    op.create_index('ix_delivery_status_not_before', 'delivery', ['status', 'not_before'], unique=False)


def downgrade():
    op.drop_index('ix_delivery_status_not_before', table_name='delivery')
