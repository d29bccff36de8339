"""The reports page: what worked, by a breakdown of the brand's choosing, and which groups are going quiet."""
from flask import Response, current_app, render_template, request, url_for

from studio.i18n import gettext as _
from studio.links.analytics import BREAKDOWNS
from studio.links.report import brand_report, breakdown_csv
from studio.web import bp


def breakdown_names() -> dict[str, str]:
    return {"segment": _("人群"), "group": _("群"), "post": _("帖子"), "hour": _("几点发送"), "persona": _("人设"),
            "channel_type": _("渠道类型"), "template": _("海报版式")}


@bp.get("/brands/<slug>/reports")
def reports(slug: str):
    return render_reports(slug, request.args.get("by", "segment"))


def render_reports(slug: str, by: str, new_secret: str = ""):
    report = brand_report(slug, by, current_app.config["STUDIO_MIN_REACH"])
    reasons = {"no_clicks": _("连续 14 天以上发送，没有人点击"), "falling": _("点击率不到之前的一半")}
    webhook = url_for("api.record_order", slug=slug, _external=False)
    return render_template("reports.html", report=report, breakdowns=breakdown_names(), choices=BREAKDOWNS,
                           reasons=reasons, new_secret=new_secret,
                           webhook_url=current_app.config["STUDIO_BASE_URL"].rstrip("/") + webhook)


@bp.get("/brands/<slug>/reports.csv")
def reports_csv(slug: str):
    by = request.args.get("by", "segment")
    header = [_("代码"), breakdown_names().get(by, by), _("发送次数"), _("群数"), _("触达人数"), _("点击次数"),
              _("点击人数"), _("预览与机器人"), _("点击率"), _("点击率下限（95%）"), _("参与排名"), _("订单"),
              _("销售额（元）")]
    labels = {"yes": _("是"), "no": _("否"), "blank": _("无海报") if by == "template" else ""}
    data = breakdown_csv(slug, by, current_app.config["STUDIO_MIN_REACH"], header, labels)
    response = Response(data, content_type="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="{slug}-{by}.csv"'
    return response
