"""drafting jobs carry a token, a lease and a count of attempts

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 16:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('post') as batch:
        batch.add_column(sa.Column('job_token', sa.String(length=32), nullable=True))
        batch.add_column(sa.Column('job_kind', sa.String(length=16), nullable=False, server_default=''))
        batch.add_column(sa.Column('job_request', sa.JSON(), nullable=True))
        batch.add_column(sa.Column('job_started_at', sa.DateTime(), nullable=True))
        batch.add_column(sa.Column('job_seen_at', sa.DateTime(), nullable=True))
        batch.add_column(sa.Column('job_attempts', sa.Integer(), nullable=False, server_default='0'))
    # The sweep looks jobs up by when they were last seen.
    op.create_index('ix_post_job_seen_at', 'post', ['job_seen_at'], unique=False)


def downgrade():
    op.drop_index('ix_post_job_seen_at', table_name='post')
    with op.batch_alter_table('post') as batch:
        for name in ('job_attempts', 'job_seen_at', 'job_started_at', 'job_request', 'job_kind', 'job_token'):
            batch.drop_column(name)
