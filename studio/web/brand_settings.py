"""The brand's settings pages: what brand.yaml holds (the brand, personas, segments, channels), edited by its
admins and checked as an imported kit is. A refused edit comes back with each problem next to its field."""
from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from studio.brands import editing, scripts
from studio.brands.kits import get_brand
from studio.i18n import gettext as _
from studio.web import bp

FORM_FIELDS = {
    "personas": ("slug", "name", "voice", "backstory", "catchphrases", "taboo", "examples"),
    "segments": ("slug", "name", "lifecycle_stage", "description"),
    "channels": ("slug", "type", "name", "target"),
}
BRAND_FIELDS = ("name", "timezone", "description", "alert_channel", "grace_minutes") + tuple(
    f"color_{name}" for name in editing.POSTER_COLORS)


def _page(slug: str, *, editing_key: str = "", values: dict | None = None, errors: dict | None = None,
          status: int = 200):
    brand = get_brand(slug, "admin")
    return render_template("brand_settings.html", brand=brand, kit=editing.kit_mapping(slug),
                           stages=editing.LIFECYCLE_STAGES, colors=editing.POSTER_COLORS, editing_key=editing_key,
                           values=values or {}, errors=errors or {}), status


@bp.get("/brands/<slug>/settings")
def brand_settings(slug: str):
    return _page(slug)


@bp.post("/brands/<slug>/settings")
def update_brand_settings(slug: str):
    values = {name: request.form.get(name, "") for name in BRAND_FIELDS if name in request.form}
    try:
        editing.update_brand(slug, values)
    except editing.KitProblems as exc:
        return _page(slug, editing_key="brand", values=values, errors=exc.fields, status=400)
    flash(_("已保存品牌设置"), "ok")
    return redirect(url_for("web.brand_settings", slug=slug))


@bp.post("/brands/<slug>/settings/<section>/<item>")
def save_brand_item(slug: str, section: str, item: str):
    """Change one persona, segment or channel; the item "new" adds one."""
    fields = FORM_FIELDS.get(section, ())
    values = {name: request.form.get(name, "") for name in fields if name in request.form}
    if item != "new":
        values.pop("slug", None)  # a slug names the item other records point at: it does not change here
    upload = request.files.get("avatar")
    avatar = (upload.filename or "", upload.read(editing.MAX_IMAGE_BYTES + 1)) if upload and upload.filename else None
    try:
        editing.save_item(slug, section, "" if item == "new" else item, values, avatar=avatar)
    except editing.KitProblems as exc:
        return _page(slug, editing_key=f"{section}/{item}", values=values, errors=exc.fields, status=400)
    flash(_("已保存"), "ok")
    return redirect(url_for("web.brand_settings", slug=slug, _anchor=section))


@bp.post("/brands/<slug>/settings/<section>/<item>/remove")
def remove_brand_item(slug: str, section: str, item: str):
    editing.remove_item(slug, section, item)
    flash(_("已移除 {item}", item=item), "ok")
    return redirect(url_for("web.brand_settings", slug=slug, _anchor=section))


@bp.get("/brands/<slug>/settings/scripts")
def brand_scripts(slug: str):
    return _scripts_page(slug)


@bp.post("/brands/<slug>/settings/scripts/<name>")
def save_brand_scripts(slug: str, name: str):
    text = request.form.get("text", "")
    try:
        kept = scripts.save_script_file(slug, name, text, actor_id=current_user.id)
    except editing.KitProblems as exc:
        return _scripts_page(slug, editing_name=name, text=text, error=exc.fields.get("text", str(exc)), status=400)
    flash(_("已保存 {name} 的话术", name=name) if kept else _("{name} 已恢复为内置话术", name=name), "ok")
    return redirect(url_for("web.brand_scripts", slug=slug, _anchor=f"script-{name}"))


def _scripts_page(slug: str, *, editing_name: str = "", text: str = "", error: str = "", status: int = 200):
    brand = get_brand(slug, "admin")
    return render_template("brand_scripts.html", brand=brand, files=scripts.script_files(slug),
                           editing_name=editing_name, text=text, error=error), status
