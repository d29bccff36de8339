from flask import jsonify, render_template, request

from studio.channels import sandbox
from studio.i18n import brand_time
from studio.rendering import markdown_to_safe_html
from studio.routing import int_arg
from studio.web import bp


@bp.get("/sandbox")
def sandbox_index():
    return render_template("sandbox_index.html", channels=sandbox.sandbox_channels())


@bp.get("/sandbox/<int:channel_id>")
def sandbox_chat(channel_id: int):
    return render_template("sandbox_chat.html", channel=sandbox.sandbox_channel(channel_id))


@bp.get("/sandbox/<int:channel_id>/messages.json")
def sandbox_messages(channel_id: int):
    """Messages after `after`; `time` is when each arrived, in the brand's zone, named."""
    after = int_arg(request.args, "after", 0)
    brand = sandbox.sandbox_channel(channel_id).brand
    return jsonify([{"id": m.id, "sender": m.sender, "html": markdown_to_safe_html(m.body), "image": m.image_path,
                     "received_at": m.received_at.isoformat() + "Z", "time": brand_time(m.received_at, brand)}
                    for m in sandbox.messages(channel_id, after_id=after)])
