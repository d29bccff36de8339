"""The API tokens page: a person's own tokens, making one (shown once) and revoking one."""
from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from studio import api_tokens
from studio.errors import InvalidInput
from studio.i18n import gettext as _
from studio.web import bp

# What each scope lets a token do, as the page explains it (the brand role still applies).
SCOPE_LABELS = {
    "knowledge:read": "检索品牌知识库",
    "posts:read": "查看简报进度和帖子",
    "posts:write": "创建简报并生成草稿（需编辑角色）",
    "review": "审核帖子（需审核角色）",
    "schedule": "排期发送（需审核角色）",
    "analytics:read": "查看报表",
}
STATE_LABELS = {"active": "有效", "expired": "已过期", "revoked": "已吊销"}


def render_tokens(new_token: str | None = None):
    return render_template("api_tokens.html", tokens=api_tokens.list_tokens(current_user.username),
                           brands=api_tokens.token_brands(current_user), scopes=api_tokens.SCOPES,
                           scope_labels=SCOPE_LABELS, state_labels=STATE_LABELS, new_token=new_token)


@bp.get("/account/tokens")
def api_token_list():
    return render_tokens()


@bp.post("/account/tokens")
def create_api_token():
    """A new token of the signed-in person, shown on this one page and never again."""
    days = (request.form.get("expires_days") or "").strip()
    if days and not days.isdigit():
        raise InvalidInput("有效天数应为整数 / expiry must be a whole number of days")
    scopes = request.form.getlist("scopes")
    if not scopes:  # on the command line no --scope means all; here every box starts ticked
        raise InvalidInput("请至少选择一个权限范围 / pick at least one scope")
    token, _row = api_tokens.issue_token(
        current_user.username, brand=request.form.get("brand") or None, scopes=scopes,
        expires_days=int(days) if days else None, name=request.form.get("name", ""), issued_by=current_user)
    return render_tokens(new_token=token)


@bp.post("/account/tokens/<int:token_id>/revoke")
def revoke_api_token(token_id: int):
    row = api_tokens.revoke_token(current_user.username, token_id, revoked_by=current_user)
    flash(_("已吊销令牌 {prefix}", prefix=row["prefix"]), "ok")
    return redirect(url_for("web.api_token_list"))
