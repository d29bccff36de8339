"""Database tables of the studio. Times are naive UTC."""
from __future__ import annotations

from datetime import date, datetime, timezone
from enum import StrEnum

from flask_login import UserMixin
from sqlalchemy import (JSON, BigInteger, Boolean, Date, DateTime, Enum, Float, ForeignKey, Index, Integer, LargeBinary,
                        String, Text, UniqueConstraint)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from studio.extensions import db
from studio.secret_box import EncryptedJSON, EncryptedText

ROLES = ("editor", "reviewer", "admin")
STUDIO_SETTINGS = "studio"  # the key of brand settings the studio writes itself; a kit's own is replaced


def utcnow() -> datetime:
    """Naive UTC now: one convention for SQLite and PostgreSQL."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


class User(UserMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[str] = mapped_column(String(16))
    # Part of every session's id: raising it ends every session the user has (logout, a new password).
    session_epoch: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    memberships: Mapped[list["Membership"]] = relationship(back_populates="user", lazy="selectin",
                                                           cascade="all, delete-orphan")

    @property
    def is_site_admin(self) -> bool:
        """A site admin manages every brand; everyone else works in the brands they are a member of."""
        return self.role == "admin"

    def role_in(self, brand_id: int | None) -> str | None:
        """The user's role in the brand ("admin" for a site admin), or None when not a member."""
        if self.is_site_admin:
            return "admin"
        return next((m.role for m in self.memberships if m.brand_id == brand_id), None)

    def can(self, *roles: str, brand_id: int | None = None) -> bool:
        """Whether the user holds one of the roles (a brand admin holds all) in the brand, or, without a
        brand, in at least one brand: enough to show a page whose records are then checked one by one."""
        if self.is_site_admin:
            return True
        held = [self.role_in(brand_id)] if brand_id is not None else [m.role for m in self.memberships]
        return any(role == "admin" or role in roles for role in held if role)

    def brand_ids(self) -> set[int] | None:
        """The brands the user may see; None means every brand (a site admin)."""
        return None if self.is_site_admin else {m.brand_id for m in self.memberships}

    def get_id(self) -> str:
        return f"{self.id}:{self.session_epoch or 0}"


class Membership(db.Model):
    """A user's role in one brand: editor, reviewer or admin (the brand's admin)."""

    __table_args__ = (UniqueConstraint("user_id", "brand_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    brand_id: Mapped[int] = mapped_column(ForeignKey("brand.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    user: Mapped["User"] = relationship(back_populates="memberships")
    brand: Mapped["Brand"] = relationship()


class ApiToken(db.Model):
    """A bearer token for the JSON API. Only its sha256 digest is kept; ``prefix`` (the first characters
    after ``cs_``) names it in lists. What it may do is the user's role in a brand, limited to its scopes
    and, when ``brand_id`` is set, to that one brand (null: every brand the user is a member of)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    brand_id: Mapped[int | None] = mapped_column(ForeignKey("brand.id", ondelete="CASCADE"))
    scopes: Mapped[list] = mapped_column(JSON, default=list)
    prefix: Mapped[str] = mapped_column(String(16))
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)

    user: Mapped["User"] = relationship()
    brand: Mapped["Brand | None"] = relationship()


class Invitation(db.Model):
    """A link a brand admin hands someone to join the brand in a role; used once, then spent."""

    id: Mapped[int] = mapped_column(primary_key=True)
    brand_id: Mapped[int] = mapped_column(ForeignKey("brand.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(16))
    digest: Mapped[str] = mapped_column(String(64), unique=True)  # of the link's secret; the secret is not kept
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    note: Mapped[str] = mapped_column(String(100), default="")  # whom it is for, as the admin wrote it
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(DateTime)
    accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)
    brand: Mapped["Brand"] = relationship()


class LoginFailure(db.Model):
    """Failed logins of one account or one address (a keyed digest, not the address) in the current window."""

    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    window_start: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime)


class Brand(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    timezone: Mapped[str] = mapped_column(String(64))
    settings: Mapped[dict] = mapped_column(JSON, default=dict)
    kit_path: Mapped[str] = mapped_column(String(500), default="")
    imported_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    personas: Mapped[list["Persona"]] = relationship(back_populates="brand", order_by="Persona.id")
    segments: Mapped[list["Segment"]] = relationship(back_populates="brand", order_by="Segment.id")
    channels: Mapped[list["Channel"]] = relationship(back_populates="brand", order_by="Channel.id")

    def studio_setting(self, key: str):
        """A value the studio stored for the brand (not one from its kit)."""
        return ((self.settings or {}).get(STUDIO_SETTINGS) or {}).get(key)

    def store_studio_setting(self, key: str, value) -> None:
        """Store a value for the brand that re-importing its kit keeps; committed by the caller."""
        settings = dict(self.settings or {})
        settings[STUDIO_SETTINGS] = {**(settings.get(STUDIO_SETTINGS) or {}), key: value}
        self.settings = settings  # a new dict, so that the JSON column is written


class Persona(db.Model):
    __table_args__ = (UniqueConstraint("brand_id", "slug"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    brand_id: Mapped[int] = mapped_column(ForeignKey("brand.id"))
    slug: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(100))
    voice: Mapped[str] = mapped_column(Text, default="")
    backstory: Mapped[str] = mapped_column(Text, default="")
    catchphrases: Mapped[list] = mapped_column(JSON, default=list)
    taboo: Mapped[list] = mapped_column(JSON, default=list)
    examples: Mapped[list] = mapped_column(JSON, default=list)
    active: Mapped[bool] = mapped_column(default=True)
    brand: Mapped[Brand] = relationship(back_populates="personas")


class Segment(db.Model):
    __table_args__ = (UniqueConstraint("brand_id", "slug"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    brand_id: Mapped[int] = mapped_column(ForeignKey("brand.id"))
    slug: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(100))
    lifecycle_stage: Mapped[str] = mapped_column(String(8))
    description: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(default=True)
    brand: Mapped[Brand] = relationship(back_populates="segments")


class Channel(db.Model):
    __table_args__ = (UniqueConstraint("brand_id", "slug"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    brand_id: Mapped[int] = mapped_column(ForeignKey("brand.id"))
    slug: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(100))
    type: Mapped[str] = mapped_column(String(32))
    # Encrypted at rest: a webhook URL carries its bot's key, and settings hold tokens and signing secrets.
    target: Mapped[str] = mapped_column(EncryptedText)
    settings: Mapped[dict] = mapped_column(EncryptedJSON, default=dict)
    active: Mapped[bool] = mapped_column(default=True)
    # The group directory: who the group is for, where it is, how many people it reaches.
    segments: Mapped[list] = mapped_column(JSON, default=list)
    region: Mapped[str] = mapped_column(String(100), default="")
    store: Mapped[str] = mapped_column(String(100), default="")
    members: Mapped[int] = mapped_column(Integer, default=0)
    tags: Mapped[list] = mapped_column(JSON, default=list)
    owner: Mapped[str] = mapped_column(String(100), default="")
    origin: Mapped[str] = mapped_column(String(16), default="kit")  # "kit" or "directory" (imported groups)
    joined_at: Mapped[datetime | None] = mapped_column(DateTime, default=utcnow)
    brand: Mapped[Brand] = relationship(back_populates="channels")


class KnowledgeDocument(db.Model):
    __table_args__ = (UniqueConstraint("brand_id", "doc_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    brand_id: Mapped[int] = mapped_column(ForeignKey("brand.id"))
    doc_id: Mapped[str] = mapped_column(String(128))
    type: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(300))
    source: Mapped[str] = mapped_column(String(500))
    checksum: Mapped[str] = mapped_column(String(64))
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class LibraryJob(db.Model):
    """A large upload to a brand's knowledge library, staged in the data folder and indexed by a worker."""

    id: Mapped[int] = mapped_column(primary_key=True)
    brand_id: Mapped[int] = mapped_column(ForeignKey("brand.id", ondelete="CASCADE"), index=True)
    files: Mapped[list] = mapped_column(JSON, default=list)  # the file names, as they will be in the kit
    total_bytes: Mapped[int] = mapped_column(BigInteger, default=0)
    state: Mapped[str] = mapped_column(String(16), default="queued", index=True)  # queued|running|done|failed
    # The broker took the message; False when it could not, and the sweep queues the job again.
    in_queue: Mapped[bool] = mapped_column(Boolean, default=False)
    stage: Mapped[str] = mapped_column(String(16), default="queued")  # queued|reading|indexing|done|failed
    fraction: Mapped[float] = mapped_column(Float, default=0.0)
    documents: Mapped[int | None] = mapped_column(Integer)
    chunks: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)


class Brief(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    brand_id: Mapped[int] = mapped_column(ForeignKey("brand.id"))
    author_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    persona_id: Mapped[int] = mapped_column(ForeignKey("persona.id"))
    channel_id: Mapped[int] = mapped_column(ForeignKey("channel.id"))
    goal: Mapped[str] = mapped_column(String(300), default="")
    key_message: Mapped[str] = mapped_column(Text)
    products: Mapped[list] = mapped_column(JSON, default=list)
    event_date: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    brand: Mapped[Brand] = relationship()
    author: Mapped[User] = relationship()
    persona: Mapped[Persona] = relationship()
    channel: Mapped[Channel] = relationship()
    posts: Mapped[list["Post"]] = relationship(back_populates="brief", order_by="Post.id")


class PostStatus(StrEnum):
    """generating -> draft | error (an edit turns error into draft); draft, changes_requested -> in_review
    -> approved | changes_requested; approved -> scheduled -> published. An edit after approval, scheduling
    or publishing sends the post back to in_review. A failed or unwanted draft can be archived (out of the
    lists) and restored."""

    GENERATING = "generating"
    ERROR = "error"
    DRAFT = "draft"
    IN_REVIEW = "in_review"
    CHANGES_REQUESTED = "changes_requested"
    APPROVED = "approved"
    SCHEDULED = "scheduled"
    PUBLISHED = "published"
    ARCHIVED = "archived"


def _status_column(states: type[StrEnum], length: int) -> Enum:
    """A plain VARCHAR(length) in the database (no native enum, no CHECK constraint), as the migrations
    build it; only these states are written, and rows come back as members, equal to their strings."""
    return Enum(states, native_enum=False, create_constraint=False, length=length, validate_strings=True,
                values_callable=lambda members: [member.value for member in members])


class Post(db.Model):
    """One variant of a brief for one segment, with its revisions."""

    id: Mapped[int] = mapped_column(primary_key=True)
    brief_id: Mapped[int] = mapped_column(ForeignKey("brief.id"))
    segment_id: Mapped[int] = mapped_column(ForeignKey("segment.id"))
    status: Mapped[PostStatus] = mapped_column(_status_column(PostStatus, 20), default=PostStatus.GENERATING,
                                               index=True)
    error: Mapped[str] = mapped_column(Text, default="")
    current_revision_id: Mapped[int | None] = mapped_column(ForeignKey("revision.id", use_alter=True))
    approved_revision_id: Mapped[int | None] = mapped_column(ForeignKey("revision.id", use_alter=True))
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    generation: Mapped[dict] = mapped_column(JSON, default=dict)
    # The drafting or regeneration job under way, if any: only the job holding this token may store its
    # result; an edit or a newer job replaces it. A job the workers stop reporting on past its lease is
    # queued again by the sweep, up to a limit of attempts.
    job_token: Mapped[str | None] = mapped_column(String(32))
    job_kind: Mapped[str] = mapped_column(String(16), default="")
    job_request: Mapped[dict | None] = mapped_column(JSON)
    job_started_at: Mapped[datetime | None] = mapped_column(DateTime)
    job_seen_at: Mapped[datetime | None] = mapped_column(DateTime, index=True)
    job_attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    brief: Mapped[Brief] = relationship(back_populates="posts")
    segment: Mapped[Segment] = relationship()
    current_revision: Mapped["Revision | None"] = relationship(foreign_keys=[current_revision_id])
    approved_by: Mapped[User | None] = relationship(foreign_keys=[approved_by_id])
    revisions: Mapped[list["Revision"]] = relationship(
        back_populates="post", foreign_keys="Revision.post_id", order_by="Revision.number")


class Revision(db.Model):
    __table_args__ = (UniqueConstraint("post_id", "number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("post.id"))
    number: Mapped[int] = mapped_column(Integer)
    body: Mapped[str] = mapped_column(Text)
    citations: Mapped[list] = mapped_column(JSON, default=list)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    note: Mapped[str] = mapped_column(String(200), default="")
    # The poster sent with this text, if any: an approval covers both, so a new poster is a new revision.
    poster_id: Mapped[int | None] = mapped_column(ForeignKey("poster_image.id", use_alter=True))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    post: Mapped[Post] = relationship(back_populates="revisions", foreign_keys=[post_id])
    author: Mapped[User | None] = relationship()
    poster: Mapped["PosterImage | None"] = relationship()


class PosterImage(db.Model):
    """A rendered poster as stored for a revision; chat platforms fetch it at its unguessable token."""

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    brand_id: Mapped[int] = mapped_column(ForeignKey("brand.id"), index=True)
    link_id: Mapped[int | None] = mapped_column(ForeignKey("short_link.id"))
    format: Mapped[str] = mapped_column(String(8))
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    byte_size: Mapped[int] = mapped_column(Integer)
    md5: Mapped[str] = mapped_column(String(32))
    # Read only when the image itself is needed: pages and queues list posters without their bytes.
    data: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    spec: Mapped[dict] = mapped_column(JSON, default=dict)  # template, title, body, price, link, size
    qr_url: Mapped[str] = mapped_column(Text, default="")
    lines: Mapped[list] = mapped_column(JSON, default=list)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class DeliveryStatus(StrEnum):
    """scheduled | retry -> claimed -> sending -> sent | failed | retry | unconfirmed. A claim whose task
    was lost goes back to scheduled, one held for its bot's rate budget to retry; scheduled -> missed past
    the brand's grace period; scheduled, retry, claimed -> cancelled. A reviewer turns unconfirmed into
    sent, or failed, unconfirmed, missed back into scheduled."""

    SCHEDULED = "scheduled"
    CLAIMED = "claimed"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    RETRY = "retry"
    UNCONFIRMED = "unconfirmed"
    MISSED = "missed"
    CANCELLED = "cancelled"


class Delivery(db.Model):
    """One post revision to one channel target; the pair is the idempotency key."""

    __table_args__ = (UniqueConstraint("revision_id", "channel_id"),
                      Index("ix_delivery_status_not_before", "status", "not_before"))
    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("post.id"), index=True)
    revision_id: Mapped[int] = mapped_column(ForeignKey("revision.id"))
    channel_id: Mapped[int] = mapped_column(ForeignKey("channel.id"))
    key: Mapped[str] = mapped_column(String(80), unique=True)
    status: Mapped[DeliveryStatus] = mapped_column(_status_column(DeliveryStatus, 16),
                                                   default=DeliveryStatus.SCHEDULED)
    due_at: Mapped[datetime] = mapped_column(DateTime)
    not_before: Mapped[datetime] = mapped_column(DateTime, index=True)
    lease_until: Mapped[datetime | None] = mapped_column(DateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    response: Mapped[str] = mapped_column(Text, default="")
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    post: Mapped[Post] = relationship()
    revision: Mapped[Revision] = relationship()
    channel: Mapped[Channel] = relationship()


class SandboxMessage(db.Model):
    """A post as it arrived in a sandbox channel's group chat."""

    id: Mapped[int] = mapped_column(primary_key=True)
    channel_id: Mapped[int] = mapped_column(ForeignKey("channel.id"), index=True)
    delivery_key: Mapped[str] = mapped_column(String(80), unique=True)
    sender: Mapped[str] = mapped_column(String(100))
    body: Mapped[str] = mapped_column(Text)
    image_path: Mapped[str] = mapped_column(String(100), default="")  # the poster, at the studio's address
    received_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class AuditEvent(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int | None] = mapped_column(ForeignKey("post.id"), index=True)
    brand_id: Mapped[int | None] = mapped_column(ForeignKey("brand.id"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    action: Mapped[str] = mapped_column(String(32))
    detail: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    actor: Mapped[User | None] = relationship()


class RateBudget(db.Model):
    """One sliding window of one bot's send budget (a target, hashed), or with window_ms 0 its pause.

    Used when the broker is not Redis; rows change only by conditional UPDATE on ``version``.
    """

    target_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    window_ms: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    hits: Mapped[str] = mapped_column(Text, default="[]")  # JSON list of send times, seconds since the epoch
    paused_until: Mapped[float | None] = mapped_column(db.Float)
    version: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class ShortLink(db.Model):
    """A tracked short link `/l/<token>` that sends a reader on to a stored http(s) destination.

    A link made for a delivery names what a click answers: the post (one segment's variant), its segment,
    the group and, through the delivery, the channel type and time.
    """

    __table_args__ = (UniqueConstraint("delivery_id", "destination"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(32), unique=True)
    brand_id: Mapped[int | None] = mapped_column(ForeignKey("brand.id"), index=True)
    destination: Mapped[str] = mapped_column(Text)
    utm: Mapped[dict] = mapped_column(JSON, default=dict)
    post_id: Mapped[int | None] = mapped_column(ForeignKey("post.id"), index=True)
    segment_id: Mapped[int | None] = mapped_column(ForeignKey("segment.id"))
    channel_id: Mapped[int | None] = mapped_column(ForeignKey("channel.id"))
    delivery_id: Mapped[int | None] = mapped_column(ForeignKey("delivery.id"), index=True)
    clicks: Mapped[int] = mapped_column(Integer, default=0)  # people: previews and robots are counted apart
    unique_clicks: Mapped[int] = mapped_column(Integer, default=0)
    bot_clicks: Mapped[int] = mapped_column(Integer, default=0)
    last_clicked_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class LinkClick(db.Model):
    """One request of a short link, kept for the retention period; no address or browser string, only a
    pseudonymous visitor key and, for robots, why it counted as one."""

    id: Mapped[int] = mapped_column(primary_key=True)
    link_id: Mapped[int] = mapped_column(ForeignKey("short_link.id"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    visitor: Mapped[str] = mapped_column(String(32), default="")
    bot: Mapped[str] = mapped_column(String(32), default="")  # empty for a person


class LinkVisitor(db.Model):
    """A visitor seen on a link: inserting one that is already there is how a repeat click is recognised."""

    link_id: Mapped[int] = mapped_column(ForeignKey("short_link.id"), primary_key=True)
    visitor: Mapped[str] = mapped_column(String(32), primary_key=True)


class Coupon(db.Model):
    """A coupon code handed out with a link: a redemption of the code counts as an order from that link."""

    __table_args__ = (UniqueConstraint("brand_id", "code"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    brand_id: Mapped[int] = mapped_column(ForeignKey("brand.id"), index=True)
    code: Mapped[str] = mapped_column(String(64))
    link_id: Mapped[int] = mapped_column(ForeignKey("short_link.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Conversion(db.Model):
    """An order the brand's shop reported, once per order id, attributed to the short link it came from.

    Orders that name no known link of the brand are kept unattributed (link_id empty), so totals stay true.
    """

    __table_args__ = (UniqueConstraint("brand_id", "order_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    brand_id: Mapped[int] = mapped_column(ForeignKey("brand.id"), index=True)
    order_id: Mapped[str] = mapped_column(String(128))
    link_id: Mapped[int | None] = mapped_column(ForeignKey("short_link.id"), index=True)
    attributed_by: Mapped[str] = mapped_column(String(16), default="")  # token, landing_url, coupon or ""
    source: Mapped[str] = mapped_column(String(16))  # webhook or import
    coupon: Mapped[str] = mapped_column(String(64), default="")
    amount_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    currency: Mapped[str] = mapped_column(String(3), default="CNY")
    ordered_at: Mapped[datetime] = mapped_column(DateTime)
    received_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Ritual(db.Model):
    """A post that recurs on a rule: each occurrence becomes a brief ahead of time, reviewed like any other."""

    __table_args__ = (UniqueConstraint("brand_id", "slug"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    brand_id: Mapped[int] = mapped_column(ForeignKey("brand.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    slug: Mapped[str] = mapped_column(String(64))
    rrule: Mapped[str] = mapped_column(String(500))
    dtstart: Mapped[datetime] = mapped_column(DateTime)  # local wall time in `timezone`
    timezone: Mapped[str] = mapped_column(String(64))
    exdates: Mapped[list] = mapped_column(JSON, default=list)  # local YYYY-MM-DDTHH:MM or whole dates
    holidays: Mapped[str] = mapped_column(String(16), default="include")
    brief_template: Mapped[str] = mapped_column(Text)  # key message with {weekday} {date} {lunar} ...
    persona: Mapped[str] = mapped_column(String(64))
    channel: Mapped[str] = mapped_column(String(64))  # the brief's channel: the format drafts are written for
    segments: Mapped[list] = mapped_column(JSON, default=list)
    audience: Mapped[str] = mapped_column(String(500), default="")
    lead_minutes: Mapped[int] = mapped_column(Integer, default=48 * 60)
    freeze_minutes: Mapped[int] = mapped_column(Integer, default=2 * 60)
    active: Mapped[bool] = mapped_column(default=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # Set when its series is edited or it is activated again: its occurrences from this instant on (UTC) are
    # followed, so the times before (never part of the series it had) are neither written nor missed.
    series_from: Mapped[datetime | None] = mapped_column(DateTime)

    brand: Mapped[Brand] = relationship()


class OccurrenceState(StrEnum):
    """planned (a skip, move or own brief noted ahead) -> materialized (its brief is written) -> frozen
    (what was approved by the freeze time goes) | missed (nothing approved in time); skipped at any point
    before the freeze."""

    PLANNED = "planned"
    MATERIALIZED = "materialized"
    FROZEN = "frozen"
    MISSED = "missed"
    SKIPPED = "skipped"


class RitualOccurrence(db.Model):
    """One occurrence of a ritual, by its instant in the series: the unique pair makes its brief exactly once."""

    __table_args__ = (UniqueConstraint("ritual_id", "occurrence_utc"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    ritual_id: Mapped[int] = mapped_column(ForeignKey("ritual.id"))
    occurrence_utc: Mapped[datetime] = mapped_column(DateTime)
    state: Mapped[OccurrenceState] = mapped_column(_status_column(OccurrenceState, 16),
                                                   default=OccurrenceState.PLANNED, index=True)
    moved_to_utc: Mapped[datetime | None] = mapped_column(DateTime)
    brief_override: Mapped[str] = mapped_column(Text, default="")
    brief_id: Mapped[int | None] = mapped_column(ForeignKey("brief.id"))
    note: Mapped[str] = mapped_column(Text, default="")  # why it was missed
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    ritual: Mapped[Ritual] = relationship()
    brief: Mapped[Brief | None] = relationship()

    @property
    def due_utc(self) -> datetime:
        """When it is sent: the moved time, else its time in the series."""
        return self.moved_to_utc or self.occurrence_utc
