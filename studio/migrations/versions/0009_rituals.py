"""rituals that run: a ritual's rule, brief template and audience, and one row per occurrence it materialized

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 21:10:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'ritual',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('brand_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=100), nullable=False),
        sa.Column('slug', sa.String(length=64), nullable=False),
        sa.Column('rrule', sa.String(length=500), nullable=False),
        sa.Column('dtstart', sa.DateTime(), nullable=False),
        sa.Column('timezone', sa.String(length=64), nullable=False),
        sa.Column('exdates', sa.JSON(), nullable=False),
        sa.Column('holidays', sa.String(length=16), nullable=False),
        sa.Column('brief_template', sa.Text(), nullable=False),
        sa.Column('persona', sa.String(length=64), nullable=False),
        sa.Column('channel', sa.String(length=64), nullable=False),
        sa.Column('segments', sa.JSON(), nullable=False),
        sa.Column('audience', sa.String(length=500), nullable=False),
        sa.Column('lead_minutes', sa.Integer(), nullable=False),
        sa.Column('freeze_minutes', sa.Integer(), nullable=False),
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['brand_id'], ['brand.id'], name=op.f('fk_ritual_brand_id_brand')),
        sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_ritual_created_by_id_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_ritual')),
        sa.UniqueConstraint('brand_id', 'slug', name=op.f('uq_ritual_brand_id')),
    )
    op.create_index(op.f('ix_ritual_brand_id'), 'ritual', ['brand_id'], unique=False)
    op.create_table(
        'ritual_occurrence',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('ritual_id', sa.Integer(), nullable=False),
        sa.Column('occurrence_utc', sa.DateTime(), nullable=False),
        sa.Column('state', sa.String(length=16), nullable=False),
        sa.Column('moved_to_utc', sa.DateTime(), nullable=True),
        sa.Column('brief_override', sa.Text(), nullable=False),
        sa.Column('brief_id', sa.Integer(), nullable=True),
        sa.Column('note', sa.Text(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['ritual_id'], ['ritual.id'], name=op.f('fk_ritual_occurrence_ritual_id_ritual')),
        sa.ForeignKeyConstraint(['brief_id'], ['brief.id'], name=op.f('fk_ritual_occurrence_brief_id_brief')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_ritual_occurrence')),
        sa.UniqueConstraint('ritual_id', 'occurrence_utc', name=op.f('uq_ritual_occurrence_ritual_id')),
    )
    op.create_index(op.f('ix_ritual_occurrence_state'), 'ritual_occurrence', ['state'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_ritual_occurrence_state'), table_name='ritual_occurrence')
    op.drop_table('ritual_occurrence')
    op.drop_index(op.f('ix_ritual_brand_id'), table_name='ritual')
    op.drop_table('ritual')
