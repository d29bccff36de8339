"""Loopback stand-ins for WeCom, Feishu, DingTalk, Slack and Telegram bots and a partner's generic webhook.

Each fake listens on 127.0.0.1 (a free port), records every request, checks credentials and signatures
the way the real service does, and answers in the real service's shapes. A test can queue canned answers
(`fake.answer(...)`) that are used, in order, for requests that pass the credential check; with none
queued the fake answers success. A canned answer can also drop the connection after reading the request
(`Canned(drop=True)`) or answer late (`Canned(delay=...)`).
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import io
import json
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime
from email.parser import BytesParser
from email.policy import default as default_policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from PIL import Image

from studio.channels.base import OutgoingMessage

ONE_HOUR_S = 3600


def message(target: str, markdown: str, **settings) -> OutgoingMessage:
    return OutgoingMessage(delivery_key="d-1-1", post_id=1, channel_id=1, channel_slug="group", target=target,
                           settings=settings, due_at=datetime(2024, 5, 1, 2, 0), markdown=markdown,
                           sender="茶韵小助手")


def multipart_fields(request) -> dict[str, tuple[bytes, str, str]]:
    """A multipart/form-data body's fields: name → (bytes, filename, content type)."""
    parsed = BytesParser(policy=default_policy).parsebytes(
        b"Content-Type: " + request.headers.get("Content-Type", "").encode() + b"\r\n\r\n" + request.body)
    fields = {}
    for part in parsed.iter_parts():
        name = part.get_param("name", header="content-disposition")
        fields[name] = (part.get_payload(decode=True) or b"", part.get_filename() or "", part.get_content_type())
    return fields


@dataclass
class Received:
    method: str
    path: str
    query: dict  # name → first value, URL-decoded
    raw_query: str
    headers: dict
    body: bytes
    at: float

    @property
    def json(self) -> dict:
        return json.loads(self.body)


@dataclass
class Canned:
    status: int = 200
    body: dict | str = ""
    headers: dict = field(default_factory=dict)
    drop: bool = False  # read the request, then close the connection without answering
    delay: float = 0.0  # seconds to wait before answering


class FakeService:
    """An HTTP server in a thread; subclasses decide what a request deserves."""

    path = "/"

    def __init__(self):
        self.requests: list[Received] = []
        self.canned: deque[Canned] = deque()
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    # -- lifecycle
    def start(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                parts = urlsplit(self.path)
                query = {k: v[0] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
                request = Received("POST", parts.path, query, parts.query, dict(self.headers), body,
                                   time.time())
                with fake._lock:
                    fake.requests.append(request)
                answer = fake.respond(request)
                if answer.delay:
                    time.sleep(answer.delay)
                if answer.drop:
                    self.close_connection = True
                    return
                payload = answer.body if isinstance(answer.body, str) else json.dumps(answer.body,
                                                                                        ensure_ascii=False)
                data = payload.encode("utf-8")
                self.send_response(answer.status)
                content_type = "text/plain" if isinstance(answer.body, str) else "application/json"
                self.send_header("Content-Type", f"{content_type}; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                for name, value in answer.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                try:
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):  # the client gave up waiting
                    pass

            def log_message(self, *args):
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.02},
                         daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    # -- behaviour
    def answer(self, *answers: Canned) -> None:
        self.canned.extend(answers)

    def respond(self, request: Received) -> Canned:
        rejection = self.reject(request)
        if rejection is not None:
            return rejection
        if self.canned:
            return self.canned.popleft()
        return self.success(request)

    def reject(self, request: Received) -> Canned | None:
        """The service's own refusal (bad credentials, bad signature, bad payload), if any."""
        return None

    def success(self, request: Received) -> Canned:
        return Canned(200, {"ok": True})

    @property
    def last(self) -> Received:
        return self.requests[-1]


# ----------------------------------------------------------------- WeCom


class FakeWeCom(FakeService):
    """企业微信群机器人: /cgi-bin/webhook/send?key=KEY; errcode answers with HTTP 200."""

    def __init__(self, key: str = "wecom-key-123"):
        super().__init__()
        self.key = key
        self.images: list[bytes] = []  # the pictures of accepted image messages

    @property
    def url(self) -> str:
        return f"{self.base}/cgi-bin/webhook/send?key={self.key}"

    @staticmethod
    def error(code: int, message: str) -> Canned:
        return Canned(200, {"errcode": code, "errmsg": message})

    def reject(self, request):
        if request.path != "/cgi-bin/webhook/send" or request.query.get("key") != self.key:
            return self.error(93000, "invalid webhook url, hint: [1714528800_1_abc], from ip: 127.0.0.1, "
                                     "more info at https://open.work.weixin.qq.com/devtool/query?e=93000")
        try:
            document = request.json
        except ValueError:
            return self.error(40001, "invalid json")  # not reached by a correct adapter
        kind = document.get("msgtype")
        if kind == "markdown" and len(document["markdown"]["content"].encode("utf-8")) > 4096:
            return self.error(40058, "markdown.content exceed max length 4096")
        if kind == "text" and len(document["text"]["content"].encode("utf-8")) > 2048:
            return self.error(40058, "text.content exceed max length 2048")
        if kind not in ("text", "markdown", "image", "news", "file", "template_card"):
            return self.error(40008, "invalid message type")
        if kind == "image":
            return self.image_refusal(document["image"])
        return None

    def image_refusal(self, image: dict) -> Canned | None:
        """WeCom's checks of an image message: base64 that decodes, an md5 that matches, JPG/PNG, ≤ 2 MB."""
        try:
            data = base64.b64decode(image["base64"], validate=True)
        except (KeyError, ValueError):
            return self.error(40009, "invalid image base64")
        if hashlib.md5(data).hexdigest() != image.get("md5"):
            return self.error(40009, "image md5 not match")
        if len(data) > 2 * 1024 * 1024:
            return self.error(40009, "invalid image size")
        if not data.startswith((b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff")):
            return self.error(40009, "invalid image format")
        with self._lock:
            self.images.append(data)
        return None

    def success(self, request):
        return Canned(200, {"errcode": 0, "errmsg": "ok"})


# ----------------------------------------------------------------- Feishu


def feishu_expected_sign(timestamp: str, secret: str) -> str:
    key = f"{timestamp}\n{secret}".encode("utf-8")
    return base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode()


class FakeFeishu(FakeService):
    """飞书自定义机器人: /open-apis/bot/v2/hook/<id>; signature fields in the JSON body."""

    def __init__(self, hook_id: str = "hook-abc", secret: str = "feishu-secret", keywords: tuple = ()):
        super().__init__()
        self.hook_id, self.secret, self.keywords = hook_id, secret, keywords

    @property
    def url(self) -> str:
        return f"{self.base}/open-apis/bot/v2/hook/{self.hook_id}"

    @staticmethod
    def error(code: int, message: str) -> Canned:
        return Canned(200, {"code": code, "data": {}, "msg": message})

    def signature_ok(self, request: Received) -> bool:
        document = request.json
        timestamp, signature = str(document.get("timestamp", "")), str(document.get("sign", ""))
        if not timestamp.isdigit() or abs(time.time() - int(timestamp)) > ONE_HOUR_S:
            return False
        return hmac.compare_digest(feishu_expected_sign(timestamp, self.secret), signature)

    def reject(self, request):
        if request.path != f"/open-apis/bot/v2/hook/{self.hook_id}":
            return Canned(404, {"code": 19001, "msg": "param invalid: incoming webhook access token invalid"})
        if len(request.body) > 20 * 1024:
            return self.error(9499, "request body too large")
        if self.secret and not self.signature_ok(request):
            return self.error(19021, "sign match fail or timestamp is not within one hour from current time")
        if self.keywords and not any(k in request.body.decode("utf-8") for k in self.keywords):
            return self.error(19024, "Key Words Not Found")
        return None

    def success(self, request):
        return Canned(200, {"StatusCode": 0, "StatusMessage": "success", "code": 0, "data": {},
                            "msg": "success"})


# ----------------------------------------------------------------- DingTalk


DINGTALK_DOC = "https://ding-doc.dingtalk.com/doc#/serverapi2/qf2nxq"


class FakeDingTalk(FakeService):
    """钉钉自定义机器人: /robot/send?access_token=T&timestamp=MS&sign=URL-encoded base64."""

    def __init__(self, token: str = "ding-token", secret: str = "SECdingsecret", keywords: tuple = ()):
        super().__init__()
        self.token, self.secret, self.keywords = token, secret, keywords

    @property
    def url(self) -> str:
        return f"{self.base}/robot/send?access_token={self.token}"

    @staticmethod
    def error(code: int, message: str) -> Canned:
        return Canned(200, {"errcode": code, "errmsg": message})

    def expected_sign(self, timestamp: str) -> str:
        string_to_sign = f"{timestamp}\n{self.secret}".encode()
        digest = hmac.new(self.secret.encode(), string_to_sign, hashlib.sha256).digest()
        return base64.b64encode(digest).decode()

    def signature_ok(self, request: Received) -> bool:
        # parse_qs already URL-decoded the sign, as DingTalk does: an unencoded '+' would now be a space.
        timestamp, signature = request.query.get("timestamp", ""), request.query.get("sign", "")
        if not timestamp.isdigit() or abs(time.time() * 1000 - int(timestamp)) > ONE_HOUR_S * 1000:
            return False
        return hmac.compare_digest(self.expected_sign(timestamp), signature)

    def reject(self, request):
        if request.path != "/robot/send" or request.query.get("access_token") != self.token:
            return self.error(300001, "token is not exist")
        if self.secret and not self.signature_ok(request):
            return self.error(310000, f"sign not match, more: [{DINGTALK_DOC}]")
        if len(request.body) > 20000:
            return self.error(460101, "message too long, exceed 20000 bytes")
        if self.keywords and not any(k in request.body.decode("utf-8") for k in self.keywords):
            return self.error(310000, f"keywords not in content, more: [{DINGTALK_DOC}]")
        if request.json.get("msgtype") not in ("text", "markdown", "link", "actionCard", "feedCard"):
            return self.error(40035, "缺少参数 json")
        return None

    def success(self, request):
        return Canned(200, {"errcode": 0, "errmsg": "ok"})


# ----------------------------------------------------------------- Slack


class FakeSlack(FakeService):
    """Slack incoming webhook: /services/T…/B…/<token>; plain-text answers."""

    def __init__(self, token: str = "XXXXsecretXXXX"):
        super().__init__()
        self.token = token

    @property
    def url(self) -> str:
        return f"{self.base}/services/T0001/B0001/{self.token}"

    def reject(self, request):
        parts = request.path.strip("/").split("/")
        if len(parts) != 4 or parts[:3] != ["services", "T0001", "B0001"]:
            return Canned(404, "no_service")
        if parts[3] != self.token:
            return Canned(403, "invalid_token")
        try:
            document = request.json
        except ValueError:
            return Canned(400, "invalid_payload")
        if not isinstance(document, dict) or not str(document.get("text") or "").strip():
            return Canned(400, "no_text")
        return None

    def success(self, request):
        return Canned(200, "ok")


# ----------------------------------------------------------------- Generic webhook


class FakeWebhook(FakeService):
    """A partner's endpoint for the studio's generic webhook: /hook, HMAC-SHA256 of the body in a header."""

    def __init__(self, secret: str = "partner-secret"):
        super().__init__()
        self.secret = secret

    @property
    def url(self) -> str:
        return f"{self.base}/hook"

    def signature_ok(self, request: Received) -> bool:
        expected = hmac.new(self.secret.encode(), request.body, hashlib.sha256).hexdigest()
        return hmac.compare_digest(expected, request.headers.get("X-Studio-Signature", ""))

    def reject(self, request):
        if request.path != "/hook":
            return Canned(404, {"error": "not found"})
        if self.secret and not self.signature_ok(request):
            return Canned(401, {"error": "bad signature"})
        if not request.headers.get("Idempotency-Key"):
            return Canned(400, {"error": "missing Idempotency-Key"})
        return None


# ----------------------------------------------------------------- Telegram

RESERVED = set("_*[]()~`>#+-=|{}.!")


class MarkdownV2Error(ValueError):
    pass


def parse_markdown_v2(text: str) -> str:
    """The visible text of a MarkdownV2 message, or MarkdownV2Error the way Bot API words it."""
    out: list[str] = []
    stack: list[str] = []  # open entities: *, _, __, ~, ||, [, `, ```
    i, n = 0, len(text)
    line_start = True
    while i < n:
        c = text[i]
        top = stack[-1] if stack else ""
        if c == "\\":
            if i + 1 < n and 1 <= ord(text[i + 1]) <= 126:
                out.append(text[i + 1])
                i += 2
                line_start = False
                continue
            raise MarkdownV2Error("Can't parse entities: character '\\' must be escaped")
        if c == "\r":  # documented as ignored: separates _italic_ from a following _italic_
            i += 1
            continue
        if top in ("`", "```"):
            if top == "```" and text.startswith("```", i):
                stack.pop()
                i += 3
            elif top == "`" and c == "`":
                stack.pop()
                i += 1
            else:
                out.append(c)
                i += 1
            continue
        if text.startswith("```", i):
            stack.append("```")
            end = text.find("\n", i + 3)
            i = n if end < 0 else end + 1  # the language line is not shown
            continue
        if c == ">" and line_start:
            i += 1
            line_start = False
            continue
        line_start = c == "\n"
        marker = next((m for m in ("__", "||") if text.startswith(m, i)), c if c in "*_~`" else "")
        if marker:
            if marker in stack:
                if stack[-1] != marker:
                    raise MarkdownV2Error(f"Can't parse entities: can't find end of the entity starting at "
                                          f"byte offset {i}")
                stack.pop()
            else:
                stack.append(marker)
            i += len(marker)
            continue
        if c == "[":
            stack.append("[")
            i += 1
            continue
        if c == "]" and "[" in stack:
            if stack[-1] != "[" or not text.startswith("(", i + 1):
                raise MarkdownV2Error(f"Can't parse entities: can't find end of the entity starting at byte "
                                      f"offset {i}")
            stack.pop()
            j = i + 2
            while j < n and text[j] != ")":
                j += 2 if text[j] == "\\" else 1
            if j >= n:
                raise MarkdownV2Error("Can't parse entities: can't find end of a url")
            i = j + 1
            continue
        if c in RESERVED:
            raise MarkdownV2Error(f"Can't parse entities: character '{c}' is reserved and must be escaped "
                                  f"with the preceding '\\'")
        out.append(c)
        i += 1
    if stack:
        raise MarkdownV2Error(f"Can't parse entities: can't find end of {stack[-1]!r} entity")
    return "".join(out)


class FakeTelegram(FakeService):
    """Telegram Bot API: /bot<token>/sendMessage; parses MarkdownV2 like the real one."""

    def __init__(self, token: str = "123456:ABC-secret", chats: tuple = ("-1001234567890",)):
        super().__init__()
        self.token, self.chats = token, chats
        self.visible: list[str] = []  # what each accepted message shows
        self.photos: list[dict] = []  # each accepted sendPhoto upload: data, filename, content_type
        self._message_id = 0

    @staticmethod
    def error(code: int, description: str, **parameters) -> Canned:
        body = {"ok": False, "error_code": code, "description": description}
        if parameters:
            body["parameters"] = parameters
        return Canned(code, body)

    def reject(self, request):
        if request.path == f"/bot{self.token}/sendPhoto":
            return self.photo_refusal(request)
        if request.path != f"/bot{self.token}/sendMessage":
            return self.error(401, "Unauthorized") if request.path.endswith(("/sendMessage", "/sendPhoto")) \
                else self.error(404, "Not Found")
        document = request.json
        if str(document.get("chat_id")) not in self.chats:
            return self.error(400, "Bad Request: chat not found")
        text = str(document.get("text") or "")
        if document.get("parse_mode") == "MarkdownV2":
            try:
                text = parse_markdown_v2(text)
            except MarkdownV2Error as exc:
                return self.error(400, f"Bad Request: {exc}")
        if not text.strip():
            return self.error(400, "Bad Request: message text is empty")
        if len(text.encode("utf-16-le")) // 2 > 4096:
            return self.error(400, "Bad Request: message is too long")
        with self._lock:
            self.visible.append(text)
        return None

    def photo_refusal(self, request) -> Canned | None:
        """sendPhoto with a multipart upload: a known chat and a photo that opens as an image."""
        fields = multipart_fields(request)
        if "chat_id" not in fields or "photo" not in fields:
            return self.error(400, "Bad Request: there is no photo in the request")
        if fields["chat_id"][0].decode() not in self.chats:
            return self.error(400, "Bad Request: chat not found")
        photo, filename, content_type = fields["photo"]
        if not filename or len(photo) > 10 * 1024 * 1024:
            return self.error(400, "Bad Request: wrong file identifier/HTTP URL specified")
        try:
            with Image.open(io.BytesIO(photo)) as image:
                image.verify()
        except Exception:  # noqa: BLE001  anything Pillow cannot read, Telegram cannot either
            return self.error(400, "Bad Request: IMAGE_PROCESS_FAILED")
        with self._lock:
            self.photos.append({"data": photo, "filename": filename, "content_type": content_type,
                                "message_thread_id": fields.get("message_thread_id", (b"",))[0].decode()})
        return None

    def success(self, request):
        self._message_id += 1
        if request.path.endswith("/sendPhoto"):
            chat_id = int(multipart_fields(request)["chat_id"][0])
            return Canned(200, {"ok": True, "result": {"message_id": self._message_id, "date": int(time.time()),
                                                       "chat": {"id": chat_id, "type": "supergroup"},
                                                       "photo": [{"file_id": f"photo-{self._message_id}"}]}})
        chat = {"id": int(request.json["chat_id"]), "type": "supergroup"}
        return Canned(200, {"ok": True, "result": {"message_id": self._message_id, "date": int(time.time()),
                                                   "chat": chat, "text": self.visible[-1]}})
