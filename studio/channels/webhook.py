"""Generic webhook: signed JSON with an idempotency key."""
from __future__ import annotations

import hashlib
import hmac

from studio.channels.base import ChannelAdapter, OutgoingMessage, SendResult
from studio.channels.http import classify_http, encode_json, post_json


def sign(body: bytes, secret: str) -> str:
    """HMAC-SHA256 of the exact body bytes, hex, as the receiver recomputes it."""
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


class WebhookAdapter(ChannelAdapter):
    type = "webhook"
    max_chars = 20000

    def payload(self, message: OutgoingMessage) -> bytes:
        return encode_json({"delivery_key": message.delivery_key, "post_id": message.post_id,
                            "channel": message.channel_slug, "due_at": message.due_at.isoformat() + "Z",
                            "text": message.text, "markdown": message.markdown})

    def send(self, message: OutgoingMessage) -> SendResult:
        body = self.payload(message)
        headers = {"Idempotency-Key": message.delivery_key}
        secret = str(message.settings.get("secret") or "")
        if secret:
            headers["X-Studio-Signature"] = sign(body, secret)
        reply = post_json(message.target, body, headers)
        return reply if isinstance(reply, SendResult) else classify_http(reply)
