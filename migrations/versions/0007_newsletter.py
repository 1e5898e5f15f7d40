"""News and offers: subscribers, and the outbox's priority, sender and extra headers.

newsletter_subscriber holds each mailbox that asked for news and offers (pending until it
confirms). outbox_message gains `priority` (campaign mail after everything else), `sender`
(a From other than MAIL_DEFAULT_SENDER) and `headers` (List-Unsubscribe and the like), and an
index for the claim order. Every existing message keeps priority 0 (normal).

Each stored enquiry whose news-and-offers box was ticked (a pending newsletter consent named
`enquiry:<id>`) becomes a pending subscription, one per mailbox (from its newest such
enquiry), with a copy of each such record named `subscriber:<id>` (the original stays with
its enquiry, as with the contact form's hand-over today). Nothing is mailed here:
`flask newsletter send-confirmations`, run right after the upgrade, mails their confirmation
requests (docs/newsletter.md); unconfirmed after NEWSLETTER_CONFIRM_DAYS (7 days from the
upgrade), they are destroyed like any other.

Revision ID: 0007_newsletter
Revises: 0006_consent_record
Create Date: 2026-12-05
"""

from datetime import timedelta

import sqlalchemy as sa
from alembic import op

from qb.clock import utcnow

revision = "0007_newsletter"
down_revision = "0006_consent_record"
branch_labels = None
depends_on = None

CONFIRM_DAYS = 7  # the default of NEWSLETTER_CONFIRM_DAYS
enquiry = sa.table(
    "enquiry",
    sa.column("id", sa.Integer),
    sa.column("email"),
    sa.column("mailbox_key"),
    sa.column("name"),
    sa.column("language"),
)
COPIED = ("text_version", "text_sha256", "policy_revision", "language", "method", "created_at")
consent = sa.table(
    "consent_record",
    sa.column("id", sa.Integer),
    sa.column("subject"),
    sa.column("purpose"),
    sa.column("status"),
    *(sa.column(name) for name in COPIED),
)
subscriber = sa.table(
    "newsletter_subscriber",
    sa.column("id", sa.Integer),
    sa.column("email"),
    sa.column("mailbox_key"),
    sa.column("name"),
    sa.column("language"),
    sa.column("status"),
    sa.column("created_at", sa.DateTime),
    sa.column("confirm_expires_at", sa.DateTime),
)


def upgrade():
    """The subscriber table; the outbox's new columns and claim index."""
    op.create_table(
        "newsletter_subscriber",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("mailbox_key", sa.String(length=254), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=True),
        sa.Column("language", sa.String(length=5), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("confirm_token_hash", sa.String(length=64), nullable=True),
        sa.Column("confirm_expires_at", sa.DateTime(), nullable=True),
        sa.Column("confirmation_sent_at", sa.DateTime(), nullable=True),
        sa.Column("confirmed_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint(
            "status IN ('pending', 'confirmed')", name="ck_newsletter_subscriber_status"
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("mailbox_key"),
        sa.UniqueConstraint("confirm_token_hash"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_newsletter_subscriber_status", "newsletter_subscriber", ["status", "id"])
    op.create_index(
        "ix_newsletter_subscriber_confirm_expires_at",
        "newsletter_subscriber",
        ["confirm_expires_at"],
    )
    with op.batch_alter_table("outbox_message") as batch:
        batch.add_column(sa.Column("sender", sa.String(length=400), nullable=True))
        batch.add_column(
            sa.Column("priority", sa.SmallInteger(), server_default="0", nullable=False)
        )
        batch.add_column(sa.Column("headers", sa.Text(), nullable=True))
    op.create_index("ix_outbox_message_claim", "outbox_message", ["status", "priority", "id"])
    carry_over_pending_requests()


def carry_over_pending_requests():
    """Pending newsletter consents of stored enquiries become pending subscriptions, each
    with copies of those records."""
    bind = op.get_bind()
    ticked = bind.execute(
        sa.select(
            *(consent.c[name] for name in COPIED),
            enquiry.c.email,
            enquiry.c.mailbox_key,
            enquiry.c.name,
            enquiry.c.language,
        )
        .select_from(
            consent.join(
                enquiry,
                consent.c.subject == sa.literal("enquiry:") + sa.cast(enquiry.c.id, sa.String),
            )
        )
        .where(consent.c.purpose == "newsletter", consent.c.status == "pending")
        .order_by(enquiry.c.id)
    ).all()
    newest = {row.mailbox_key: row for row in ticked}  # per mailbox, its newest enquiry
    now = utcnow()
    ids = {}
    for key, row in newest.items():
        ids[key] = bind.execute(
            sa.insert(subscriber)
            .values(
                email=row.email,
                mailbox_key=key,
                name=row.name,
                language=row.language,
                status="pending",
                created_at=now,
                confirm_expires_at=now + timedelta(days=CONFIRM_DAYS),
            )
            .returning(subscriber.c.id)
        ).scalar_one()
    for row in ticked:
        bind.execute(
            sa.insert(consent).values(
                subject=f"subscriber:{ids[row.mailbox_key]}",
                purpose="newsletter",
                status="pending",
                **{name: row._mapping[consent.c[name]] for name in COPIED},
            )
        )


def downgrade():
    """Drop them again (campaign mail still queued loses its priority and headers); the
    consent records of subscribers are unlinked, as when they are destroyed."""
    op.execute(
        "UPDATE consent_record SET subject = NULL, destroyed_reason = 'withdrawn', "
        "destroyed_at = CURRENT_TIMESTAMP WHERE subject LIKE 'subscriber:%'"
    )
    op.drop_index("ix_outbox_message_claim", table_name="outbox_message")
    with op.batch_alter_table("outbox_message") as batch:
        batch.drop_column("headers")
        batch.drop_column("priority")
        batch.drop_column("sender")
    op.drop_index("ix_newsletter_subscriber_confirm_expires_at", table_name="newsletter_subscriber")
    op.drop_index("ix_newsletter_subscriber_status", table_name="newsletter_subscriber")
    op.drop_table("newsletter_subscriber")
