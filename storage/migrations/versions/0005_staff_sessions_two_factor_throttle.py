"""staff sessions, two-factor sign-in, sign-in throttle

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-10 12:00:00.000000

Staff sessions become rows (staff_sessions), so signing out, a new password and "sign out
everywhere" end them on the server at once; a cookie copied before no longer opens the desk.
Staff accounts get an authenticator secret (TOTP) and one-time recovery codes, kept as hashes.
Failed sign-ins are counted per address, per client and per account's codes in time windows
(attempt_counts), shared by every web worker and pruned as the windows pass.
"""
from alembic import op
import sqlalchemy as sa
import fursa.storage.types


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('totp_secret', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('totp_enabled_at', fursa.storage.types.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('totp_last_step', sa.Integer(), nullable=True))

    op.create_table('staff_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('verified', sa.Boolean(), nullable=False),
    sa.Column('agent', sa.String(length=200), nullable=False),
    sa.Column('created_at', fursa.storage.types.UTCDateTime(), nullable=False),
    sa.Column('last_seen_at', fursa.storage.types.UTCDateTime(), nullable=False),
    sa.Column('expires_at', fursa.storage.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('token_hash')
    )
    with op.batch_alter_table('staff_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_sessions_user_id'), ['user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_staff_sessions_expires_at'), ['expires_at'], unique=False)

    op.create_table('recovery_codes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', fursa.storage.types.UTCDateTime(), nullable=False),
    sa.Column('used_at', fursa.storage.types.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('recovery_codes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recovery_codes_user_id'), ['user_id'], unique=False)

    op.create_table('attempt_counts',
    sa.Column('scope', sa.String(length=20), nullable=False),
    sa.Column('key_hash', sa.String(length=64), nullable=False),
    sa.Column('window_start', fursa.storage.types.UTCDateTime(), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('scope', 'key_hash', 'window_start')
    )
    with op.batch_alter_table('attempt_counts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attempt_counts_window_start'), ['window_start'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('attempt_counts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attempt_counts_window_start'))
    op.drop_table('attempt_counts')
    with op.batch_alter_table('recovery_codes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_recovery_codes_user_id'))
    op.drop_table('recovery_codes')
    with op.batch_alter_table('staff_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staff_sessions_expires_at'))
        batch_op.drop_index(batch_op.f('ix_staff_sessions_user_id'))
    op.drop_table('staff_sessions')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('totp_last_step')
        batch_op.drop_column('totp_enabled_at')
        batch_op.drop_column('totp_secret')
