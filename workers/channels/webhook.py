"""Generic webhook: signed JSON with an idempotency key."""
from __future__ import annotations

import hashlib
import hmac
import json

import requests

from workers.channels.base import ChannelAdapter, OutgoingMessage, SendResult

CONNECT_TIMEOUT_S = 5
READ_TIMEOUT_S = 15


def sign(body: bytes, secret: str) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def _retry_after(response: requests.Response) -> float | None:
    raw = response.headers.get("Retry-After")
    try:
        return max(0.0, float(raw)) if raw else None
    except ValueError:
        return None


class WebhookAdapter(ChannelAdapter):
    type = "webhook"
    max_chars = 20000

    def payload(self, message: OutgoingMessage) -> bytes:
        document = {"delivery_key": message.delivery_key, "post_id": message.post_id,
                    "channel": message.channel_slug, "due_at": message.due_at.isoformat() + "Z",
                    "text": message.text, "markdown": message.markdown}
        return json.dumps(document, ensure_ascii=False).encode("utf-8")

    def send(self, message: OutgoingMessage) -> SendResult:
        body = self.payload(message)
        headers = {"Content-Type": "application/json; charset=utf-8", "Idempotency-Key": message.delivery_key,
                   "User-Agent": "community-content-studio"}
        secret = str(message.settings.get("secret") or "")
        if secret:
            headers["X-Studio-Signature"] = sign(body, secret)
        try:
            response = requests.post(message.target, data=body, headers=headers,
                                     timeout=(CONNECT_TIMEOUT_S, READ_TIMEOUT_S))
        except requests.exceptions.ConnectTimeout:
            return SendResult("transient", "连接超时（请求未发出）")
        except requests.exceptions.ConnectionError as exc:
            if isinstance(exc, requests.exceptions.ReadTimeout) or "Read timed out" in str(exc):
                return SendResult("unknown", "等待回应超时：对方可能已收到")
            if "RemoteDisconnected" in str(exc) or "Connection aborted" in str(exc):
                return SendResult("unknown", "连接在发送后中断：对方可能已收到")
            return SendResult("transient", "无法连接（请求未发出）")
        except requests.exceptions.Timeout:
            return SendResult("unknown", "等待回应超时：对方可能已收到")
        summary = f"HTTP {response.status_code} {response.text[:300]}"
        if 200 <= response.status_code < 300:
            return SendResult("sent", summary)
        if response.status_code == 429 or response.status_code >= 500:
            return SendResult("transient", summary, _retry_after(response))
        return SendResult("permanent", summary)
