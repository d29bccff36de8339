from flask import abort, jsonify, render_template, request

from studio.channels import sandbox
from studio.extensions import db
from studio.models import Channel
from studio.rendering import markdown_to_safe_html
from studio.routing import int_arg
from studio.web import bp


@bp.get("/sandbox")
def sandbox_index():
    return render_template("sandbox_index.html", channels=sandbox.sandbox_channels())


@bp.get("/sandbox/<int:channel_id>")
def sandbox_chat(channel_id: int):
    channel = db.session.get(Channel, channel_id)
    if channel is None or channel.type != "sandbox":
        abort(404)
    return render_template("sandbox_chat.html", channel=channel)


@bp.get("/sandbox/<int:channel_id>/messages.json")
def sandbox_messages(channel_id: int):
    after = int_arg(request.args, "after", 0)
    return jsonify([{"id": m.id, "sender": m.sender, "html": markdown_to_safe_html(m.body),
                     "received_at": m.received_at.isoformat() + "Z"}
                    for m in sandbox.messages(channel_id, after_id=after)])
