"""Request and response bodies of the JSON API, as pydantic models: the routes validate with them and the
OpenAPI document is generated from them."""
from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, NaiveDatetime

from studio.links.analytics import BREAKDOWNS
from studio.models import PostStatus

# ---------------------------------------------------------------------------------------------- errors


class ErrorDetail(BaseModel):
    code: str = Field(description="snake_case name of the error, e.g. not_found, forbidden, validation_error")
    message: str
    field: str | None = Field(None, description="the request field at fault, when one is")


class ErrorBody(BaseModel):
    """Every error of the API has this shape."""

    error: ErrorDetail


# ---------------------------------------------------------------------------------------------- paths


class BrandPath(BaseModel):
    slug: str = Field(max_length=64)


class PostPath(BaseModel):
    post_id: int


class BriefPath(BaseModel):
    brief_id: int


class DeliveryPath(BaseModel):
    delivery_id: int


class RitualPath(BaseModel):
    slug: str = Field(max_length=64)
    ritual_slug: str = Field(max_length=64)


# ---------------------------------------------------------------------------------------------- queries


class PageQuery(BaseModel):
    limit: int = Field(50, ge=1, le=200, description="items per page")
    cursor: str | None = Field(None, max_length=200, description="next_cursor of the page before")


class PostListQuery(PageQuery):
    status: PostStatus | None = None


class GroupQuery(PageQuery):
    audience: str = Field("", max_length=500, description="audience expression, e.g. segment:newcomer region:杭州")


class AudienceQuery(BaseModel):
    audience: str = Field("", max_length=500)


class SearchQuery(BaseModel):
    q: str = Field("", max_length=2000)
    k: int = Field(5, description="hits wanted, 1 to 100")


class CalendarQuery(PageQuery):
    model_config = ConfigDict(populate_by_name=True)

    from_: str = Field(alias="from", description="first day, YYYY-MM-DD")
    to: str = Field(description="last day, YYYY-MM-DD")


class BreakdownQuery(BaseModel):
    by: Literal[BREAKDOWNS] = "segment"  # type: ignore[valid-type]


# ---------------------------------------------------------------------------------------------- bodies


class BriefBody(BaseModel):
    brand: str
    persona: str
    channel: str
    segments: list[str] | str = Field(description="segment slugs, a list or one comma-separated string")
    key_message: str
    goal: str = ""
    products: list[str] | str = []


class RevisionBody(BaseModel):
    body: str
    note: str = Field("", max_length=200)


class LintBody(BaseModel):
    text: str | None = Field(None, description="the text to check; the current revision when absent")


class ApproveBody(BaseModel):
    revision_id: int = Field(description="the revision the reviewer read")
    override_reason: str = Field("", description="required when the revision has blocking findings")


class SendBackBody(BaseModel):
    comment: str


class RegenerateBody(BaseModel):
    instruction: str = Field("", max_length=200)


class ScheduleBody(BaseModel):
    send_at: NaiveDatetime = Field(description="wall-clock time in the brand's zone, YYYY-MM-DDTHH:MM")
    channels: list[str] = []
    audience: str = Field("", max_length=500)


class BriefScheduleBody(BaseModel):
    send_at: NaiveDatetime = Field(description="wall-clock time in the brand's zone, YYYY-MM-DDTHH:MM")
    audience: str = Field("", max_length=500)


class RescheduleBody(BaseModel):
    local_start: NaiveDatetime = Field(description="new wall-clock time in the brand's zone")


class RitualBody(BaseModel):
    name: str
    slug: str = ""
    rrule: str
    start: str = Field(description="first local time, YYYY-MM-DDTHH:MM")
    timezone: str = ""
    brief: str
    persona: str = ""
    channel: str = ""
    segments: list[str] = []
    audience: str = ""
    lead_hours: float = 48
    freeze_hours: float = 2
    exdates: list[str] = []
    holidays: str = "include"


class RitualChangeBody(BaseModel):
    """Only the fields sent change."""

    name: str | None = None
    rrule: str | None = None
    start: str | None = None
    timezone: str | None = None
    brief: str | None = None
    audience: str | None = None
    segments: list[str] | None = None
    lead_hours: float | None = None
    freeze_hours: float | None = None


class RitualActiveBody(BaseModel):
    active: bool


class OccurrenceBody(BaseModel):
    at: str = Field(description="the occurrence's local time in the series, YYYY-MM-DDTHH:MM")
    action: Literal["skip", "move", "brief"]
    move_to: str = ""
    brief: str = ""


class PosterBody(BaseModel):
    title: str
    body: str = ""
    price: str = ""
    link: str = ""
    template: str = ""
    size: str = ""
    product: str = ""


class LinkBody(BaseModel):
    url: str = Field(max_length=2000)
    segment: str = ""
    group: str = ""
    post_id: int | None = None
    coupon: str = ""


# ---------------------------------------------------------------------------------------------- responses


class BrandOut(BaseModel):
    slug: str
    name: str
    timezone: str


class PostSummary(BaseModel):
    id: int
    brief_id: int
    status: str
    segment: str
    revision: int | None
    revision_id: int | None
    approved_revision_id: int | None
    updated_at: str


class PostOut(PostSummary):
    error: str | None
    body: str
    html: str
    citations: list[str]


class PostPage(BaseModel):
    items: list[PostSummary]
    next_cursor: str | None


class RevisionOut(BaseModel):
    id: int
    number: int
    body: str
    note: str
    author: str | None
    citations: list[str]
    poster_id: int | None
    created_at: str


class RevisionPage(BaseModel):
    items: list[RevisionOut]
    next_cursor: str | None


class FindingFix(BaseModel):
    start: int
    end: int
    text: str
    label: str


class FindingOut(BaseModel):
    start: int
    end: int
    text: str
    rule: str
    severity: str
    message: str
    suggestion: str | None = None
    replacement: str | None = None
    fix: FindingFix | None = None


class LintOut(BaseModel):
    findings: list[FindingOut]
    blocking: int


class BriefProgress(BaseModel):
    id: int
    total: int
    done: int
    failed: int
    posts: list[dict[str, Any]]
    warning: str | None = None


class DeliveryOut(BaseModel):
    id: int
    post_id: int
    revision_id: int
    channel: str
    channel_name: str
    status: str
    due_at: str
    sent_at: str | None
    attempts: int


class DeliveryPage(BaseModel):
    items: list[DeliveryOut]
    next_cursor: str | None


class ScheduledOut(BaseModel):
    deliveries: list[DeliveryOut]


class BriefScheduledOut(BaseModel):
    sent_to: dict[str, list[str]] = Field(description="post id → group slugs")
    left_out: dict[str, str] = Field(description="group slug → why it gets nothing")


class RescheduledOut(BaseModel):
    moved: int
    local_start: str


class GroupOut(BaseModel):
    slug: str
    name: str
    segments: list[str]
    region: str
    store: str
    members: int


class GroupPage(BaseModel):
    items: list[GroupOut]
    next_cursor: str | None


class AudienceSize(BaseModel):
    groups: int
    members: int


class RitualOut(BaseModel):
    id: int
    slug: str
    name: str
    brand: str
    rrule: str
    start: str
    timezone: str
    exdates: list[str]
    holidays: str
    brief: str
    persona: str | None
    channel: str | None
    segments: list[str]
    audience: str | None
    lead_hours: float
    freeze_hours: float
    active: bool
    next: list[dict[str, Any]]
    dropped_plans: int | None = None


class RitualPage(BaseModel):
    items: list[RitualOut]
    next_cursor: str | None


class OccurrenceOut(BaseModel):
    ritual: str
    occurrence_utc: str | None
    due_utc: str | None
    state: str
    brief_id: int | None
    own_brief: str | None = Field(None, description="the occurrence's own brief, when it has one")
    note: str | None


class CalendarItemOut(BaseModel):
    kind: str
    uid: str
    title: str
    state: str
    local_start: str
    start_utc: str
    timezone: str
    post_id: int | None
    brief_id: int | None
    post_status: str
    segment: dict[str, Any]
    persona: dict[str, Any]
    movable: bool
    deliveries: list[dict[str, Any]]


class CalendarPage(BaseModel):
    items: list[CalendarItemOut]
    next_cursor: str | None


class LinkOut(BaseModel):
    token: str
    short_url: str
    url: str
    clicks: int
    unique: int
    bots: int
    post: int | None
    delivery: int | None


class LinkPage(BaseModel):
    items: list[LinkOut]
    next_cursor: str | None


class LinkCreated(BaseModel):
    token: str
    short_url: str
    coupon: str | None = None


class BreakdownRow(BaseModel):
    key: str
    label: str
    deliveries: int
    groups: int
    reach: int
    clicks: int
    unique: int
    bots: int
    rate: float | None
    rate_low: float
    ranked: bool
    orders: int
    revenue: float


class BreakdownOut(BaseModel):
    by: str
    rows: list[BreakdownRow]
