from flask import abort, jsonify, render_template, request

from studio.channels import sandbox
from studio.extensions import db
from studio.i18n import brand_time
from studio.models import Channel
from studio.rendering import markdown_to_safe_html
from studio.routing import int_arg
from studio.web import bp


@bp.get("/sandbox")
def sandbox_index():
    return render_template("sandbox_index.html", channels=sandbox.sandbox_channels())


def _sandbox_channel(channel_id: int) -> Channel:
    channel = db.session.get(Channel, channel_id)
    if channel is None or channel.type != "sandbox":
        abort(404)
    return channel


@bp.get("/sandbox/<int:channel_id>")
def sandbox_chat(channel_id: int):
    return render_template("sandbox_chat.html", channel=_sandbox_channel(channel_id))


@bp.get("/sandbox/<int:channel_id>/messages.json")
def sandbox_messages(channel_id: int):
    """Messages after `after`; `time` is when each arrived, in the brand's zone, named."""
    after = int_arg(request.args, "after", 0)
    brand = _sandbox_channel(channel_id).brand
    return jsonify([{"id": m.id, "sender": m.sender, "html": markdown_to_safe_html(m.body), "image": m.image_path,
                     "received_at": m.received_at.isoformat() + "Z", "time": brand_time(m.received_at, brand)}
                    for m in sandbox.messages(channel_id, after_id=after)])
