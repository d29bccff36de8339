"""A post's poster: previewed while an editor works, then stored as part of a new revision.

An approval covers one revision, text and poster together, so a new or removed poster is a new revision
and an approved post goes back to review.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from studio.errors import Forbidden, InvalidInput, InvalidTransition, StudioError
from studio.extensions import db
from studio.models import Post, PostStatus, Revision, User
from studio.posters import service, stored
from studio.posters.render import RenderedPoster
from studio.posts import get_post
from studio.review import workflow

SPEC_FIELDS = ("template", "title", "body", "price", "link", "size", "product")
TITLE_SUGGESTION_CHARS = 30  # a poster title is read at a glance


@dataclass
class PosterSpec:
    """What an editor chose for a post's poster; the title is required, the rest falls back to the kit."""

    title: str
    body: str = ""
    price: str = ""
    link: str = ""
    template: str = ""
    size: str = ""
    product: str = ""  # a SKU whose picture the kit has

    @classmethod
    def from_values(cls, values) -> "PosterSpec":
        """From a form or a JSON body: only the known fields, as text."""
        picked = {}
        for name in SPEC_FIELDS:
            value = values.get(name, "")
            if value is None:
                value = ""
            if not isinstance(value, str):
                raise InvalidInput(f"海报的 {name} 应为文字 / poster field {name} must be text")
            picked[name] = value.strip()
        return cls(**picked)


def preview_poster(post_id: int, spec: PosterSpec, actor: User) -> RenderedPoster:
    """The poster as it would look, rendered without storing anything."""
    post = _editable(post_id, actor)
    return service.make_poster(_request(post, spec), track=False).rendered


def attach_poster(post_id: int, spec: PosterSpec, actor: User) -> Revision:
    """Render the poster with a new tracked link and store it in a new revision of the post's text."""
    post = _editable(post_id, actor)
    body = post.current_revision.body
    try:
        made = service.make_poster(_request(post, spec), commit=False)
        poster = stored.store_poster(made, _spec_record(spec), actor.id)
    except Exception:
        db.session.rollback()
        raise
    # save_revision commits the link, the image and the revision together, or raises before any of it.
    return workflow.save_revision(post.id, body, actor, note="更新海报", poster_id=poster.id)


def remove_poster(post_id: int, actor: User) -> Revision:
    """A new revision of the same text without a poster."""
    post = _editable(post_id, actor)
    if post.current_revision.poster_id is None:
        raise InvalidTransition("这条帖子没有海报 / this post has no poster")
    return workflow.save_revision(post.id, post.current_revision.body, actor, note="移除海报", poster_id=None)


def _named_product(post: Post, products: list[dict]) -> str:
    """The first product with a picture that the brief names, by SKU or by its name's characters in order
    (a brief's 白牡丹2024 is 福鼎白牡丹·2024春)."""
    wanted = [*(post.brief.products or []), post.brief.key_message or ""]
    for product in products:
        for text in wanted:
            if product["sku"] in text or (text and _in_order(text, product["name"])):
                return product["sku"]
    return ""


def _in_order(short: str, name: str) -> bool:
    """Whether every character of `short` appears in `name`, in the same order."""
    remaining = iter(name)
    return len(short) >= 2 and all(char in remaining for char in short)


def suggested_spec(post: Post, products: list[dict]) -> PosterSpec:
    """What the panel starts from: the last poster's choices, else the brief's subject as the title."""
    current = post.current_revision
    if current is not None and current.poster is not None:
        return PosterSpec(**{name: str(current.poster.spec.get(name, "")) for name in SPEC_FIELDS})
    message = (post.brief.key_message or "").strip()
    first_sentence = re.split(r"(?<=[。！？!?；;\n])", message, maxsplit=1)[0].strip()
    return PosterSpec(title=first_sentence[:TITLE_SUGGESTION_CHARS], product=_named_product(post, products))


def _editable(post_id: int, actor: User) -> Post:
    post = get_post(post_id)
    if not actor.can("editor", brand_id=post.brief.brand_id):
        raise Forbidden("只有编辑可以修改海报")
    if post.current_revision is None or post.status in (PostStatus.GENERATING, PostStatus.ARCHIVED):
        raise InvalidTransition("帖子还没有可以配海报的正文 / the post has no text to go with a poster yet")
    return post


def _request(post: Post, spec: PosterSpec) -> service.PosterRequest:
    brand = post.brief.brand
    persona = post.brief.persona
    return service.PosterRequest(
        brand=brand.slug, title=spec.title, body=spec.body, price=spec.price, link=spec.link,
        template=spec.template, size=spec.size, product=spec.product,
        persona=persona.slug if persona is not None and service.has_avatar(brand, persona.slug) else "")


def _spec_record(spec: PosterSpec) -> dict:
    return {name: getattr(spec, name) for name in SPEC_FIELDS}


def panel(post: Post) -> dict:
    """What the editor's poster panel shows: the current poster, the choices to start from, the templates."""
    current = post.current_revision.poster if post.current_revision is not None else None
    try:
        templates = service.list_templates(post.brief.brand.slug)
        products = service.product_choices(post.brief.brand)
        problem = ""
    except StudioError as exc:  # a brand whose kit folder is gone can still edit text
        templates, products, problem = [], [], str(exc)
    return {"poster": current, "spec": suggested_spec(post, products), "templates": templates,
            "products": products, "problem": problem,
            "path": stored.poster_path(current) if current is not None else ""}
