"""Loopback stand-ins for a hosted OpenAI-compatible provider, and the tea brand's prompt inputs.

``FakeAPI`` answers chat (JSON) and completions (JSON or a stream) with scripted texts, and prompt
log-probabilities when asked to echo, and records what it receives; ``FakeChatAPI`` answers every chat request with a fixed post (a shorter one when asked for
"短一点").  ``TEA_*`` and ``NEWCOMERS`` are a tea brand's newcomer post about 白牡丹2024.
"""
from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from prompts import Fact


class FakeAPI:
    """Answers /v1/chat/completions and /v1/completions with the next scripted text."""

    def __init__(self):
        self.requests: list[dict] = []
        self.replies: list[str] = []
        self.status = 200
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                fake.requests.append({"path": self.path, "auth": self.headers.get("Authorization"),
                                      "body": body})
                if fake.status != 200:
                    self._send(fake.status, {"error": {"message": "Incorrect API key provided: "
                                                                  + (self.headers.get("Authorization") or ""),
                                                       "type": "invalid_request_error"}})
                    return
                text = fake.replies.pop(0) if fake.replies else ""
                if self.path.endswith("/chat/completions"):
                    self._send(200, {
                        "id": "chatcmpl-1", "object": "chat.completion", "created": 0, "model": body.get("model"),
                        "choices": [{"index": 0, "finish_reason": "stop",
                                     "message": {"role": "assistant", "content": text}}],
                        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}})
                elif body.get("stream"):
                    self.send_response(200)
                    self.send_header("Content-Type", "text/event-stream")
                    self.end_headers()
                    pieces = [text[i:i + 3] for i in range(0, len(text), 3)] or [""]
                    for index, piece in enumerate(pieces):
                        chunk = {"id": "cmpl-1", "object": "text_completion", "created": 0,
                                 "model": body.get("model"),
                                 "choices": [{"index": 0, "text": piece, "logprobs": None,
                                              "finish_reason": "stop" if index == len(pieces) - 1 else None}]}
                        self.wfile.write(f"data: {json.dumps(chunk, ensure_ascii=False)}\n\n".encode())
                    self.wfile.write(b"data: [DONE]\n\n")
                elif body.get("echo") and body.get("logprobs") is not None:
                    # Prompt log-probabilities, one token per character: -9 for the first 9, -1 after.
                    prompt = body["prompt"]
                    logprobs = {"tokens": list(prompt), "text_offset": list(range(len(prompt))),
                                "token_logprobs": [None] + [-9.0 if i < 9 else -1.0 for i in range(1, len(prompt))],
                                "top_logprobs": None}
                    self._send(200, {"id": "cmpl-1", "object": "text_completion", "created": 0,
                                     "model": body.get("model"),
                                     "choices": [{"index": 0, "text": prompt, "finish_reason": "length",
                                                  "logprobs": logprobs}]})
                else:
                    self._send(200, {"id": "cmpl-1", "object": "text_completion", "created": 0,
                                     "model": body.get("model"),
                                     "choices": [{"index": 0, "text": text, "finish_reason": "stop",
                                                  "logprobs": None}]})

            def _send(self, status, payload):
                data = json.dumps(payload, ensure_ascii=False).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"

    def close(self):
        self.server.shutdown()
        self.server.server_close()


class FakeChatAPI:
    """Stands in for a paid OpenAI-compatible provider and records what it was asked."""

    def __init__(self):
        self.requests = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                fake.requests.append({"path": self.path, "auth": self.headers.get("Authorization"), "body": body})
                asked = "\n".join(m["content"] for m in body.get("messages", []))
                short = "短一点" in asked
                answer = {"id": "x", "object": "chat.completion", "created": 0, "model": body["model"],
                          "choices": [{"index": 0, "finish_reason": "stop", "message": {
                              "role": "assistant",
                              "content": "小茶来啦~ 白牡丹2024用90℃左右的水冲泡，周五品鉴会见。" if short else
                              "小茶来啦~ 白牡丹2024建议用90℃左右的水冲泡，周五晚8点的冬日品鉴会等你来，一起慢慢喝口好茶。"}}],
                          "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}}
                data = json.dumps(answer, ensure_ascii=False).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"


TEA_PERSONA = {
    "slug": "xiaocha", "name": "小茶",
    "voice": "温柔亲切，像邻家姐姐，说话慢悠悠的",
    "backstory": "在福鼎茶山长大，做了十年茶",
    "catchphrases": ["亲们", "喝茶是件慢事"],
    "taboo": ["最便宜", "治病"],
    "examples": ["亲们早安～今天福鼎下了小雨，泡一壶老白茶，慢慢喝，日子也慢下来了。"],
}
NEWCOMERS = {"slug": "newcomer", "name": "新人群", "lifecycle_stage": "引入", "description": "最近7天入群的新朋友"}
TEA_BRIEF = {"goal": "介绍新茶", "key_message": "白牡丹2024新茶上市", "products": ["白牡丹2024"],
             "date": "2024-11-29", "text": "给新朋友介绍白牡丹2024，说说冲泡方法和价格"}
TEA_FACTS = [
    Fact(number=1, doc_id="doc-baimudan", title="白牡丹2024",
         text="福鼎白茶，一芽两叶，毫香蜜韵。建议90℃冲泡，每次5克，可以冲泡七八次。"),
    Fact(number=2, doc_id="doc-price", title="价格",
         text="白牡丹2024每饼357克，售价298元，新人首单送10克茶样。"),
]
