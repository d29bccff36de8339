"""library jobs: large knowledge uploads staged and indexed by a worker

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-03 14:30:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'library_job',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('brand_id', sa.Integer(), nullable=False),
        sa.Column('files', sa.JSON(), nullable=False),
        sa.Column('total_bytes', sa.BigInteger(), nullable=False),
        sa.Column('state', sa.String(length=16), nullable=False),
        sa.Column('in_queue', sa.Boolean(), nullable=False),
        sa.Column('stage', sa.String(length=16), nullable=False),
        sa.Column('fraction', sa.Float(), nullable=False),
        sa.Column('documents', sa.Integer(), nullable=True),
        sa.Column('chunks', sa.Integer(), nullable=True),
        sa.Column('error', sa.Text(), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['brand_id'], ['brand.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['created_by_id'], ['user.id']),
        sa.PrimaryKeyConstraint('id'))
    op.create_index('ix_library_job_brand_id', 'library_job', ['brand_id'])
    op.create_index('ix_library_job_state', 'library_job', ['state'])


def downgrade():
    op.drop_index('ix_library_job_state', table_name='library_job')
    op.drop_index('ix_library_job_brand_id', table_name='library_job')
    op.drop_table('library_job')
