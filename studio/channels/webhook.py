"""Generic webhook: signed JSON with an idempotency key."""
from __future__ import annotations

import hashlib
import hmac

from studio.channels.base import ChannelAdapter, OutgoingMessage, Rendering, SendResult, Setting
from studio.channels.http import classify_http, encode_json, post_json
from studio.channels.plain import plain_rendering, reader_text


def sign(body: bytes, secret: str) -> str:
    """HMAC-SHA256 of the exact body bytes, hex, as the receiver recomputes it."""
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


class WebhookAdapter(ChannelAdapter):
    type = "webhook"
    label = "通用 Webhook"
    max_chars = 20000
    settings_read = (Setting("secret", secret=True),)

    def render(self, markdown: str, settings: dict) -> Rendering:
        document = {"text": reader_text(markdown), "markdown": markdown}
        return plain_rendering(markdown, self.max_chars, document)

    def payload(self, message: OutgoingMessage, document: dict) -> bytes:
        """The body to sign and post: the delivery's identity, then the rendered post."""
        identity = {"delivery_key": message.delivery_key, "post_id": message.post_id,
                    "channel": message.channel_slug, "due_at": message.due_at.isoformat() + "Z"}
        if message.image_url:  # besides the link in the post, a field a partner's system can read directly
            identity["image_url"] = message.image_url
        return encode_json({**identity, **document})

    def endpoint(self, target: str, settings: dict) -> str:
        return (target or "").strip()

    def deliver(self, message: OutgoingMessage, rendering: Rendering) -> SendResult:
        settings = message.settings or {}
        body = self.payload(message, rendering.documents[0])
        headers = {"Idempotency-Key": message.delivery_key}
        secret = str(settings.get("secret") or "")
        if secret:
            headers["X-Studio-Signature"] = sign(body, secret)
        reply = post_json(message.target, body, headers)
        return reply if isinstance(reply, SendResult) else classify_http(reply)
