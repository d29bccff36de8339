"""Language models through LangChain, built from the studio's settings.

* ``mode="completion"``: ``langchain_openai.OpenAI``, for base models (the bundled Gemma 3 270M behind
  llama.cpp) that continue a few-shot document.
* ``mode="chat"``: ``langchain_openai.ChatOpenAI``, for instruction-tuned models behind any
  OpenAI-compatible provider.
* ``factory="package.module:function"``: any other LangChain model; the function takes the settings
  and returns a chat model (chat mode) or a text-completion model (completion mode).

Failures of the model server become :class:`GenerationFailed` with a message that names the server
but never the key. No Flask here: the caller passes everything in.
"""
from __future__ import annotations

import importlib
import re
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

import openai
from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.language_models import BaseChatModel, BaseLanguageModel, BaseLLM
from langchain_openai import ChatOpenAI, OpenAI

__all__ = ["LLMSettings", "GenerationFailed", "FinishReason", "build_model", "model_errors", "public_url"]


@dataclass
class LLMSettings:
    base_url: str
    api_key: str
    model: str
    mode: str = "completion"  # "completion" for base models, "chat" for instruct models
    temperature: float = 0.8
    max_tokens: int = 220
    timeout_s: float = 60
    candidates: int = 2
    attempts: int = 4
    top_p: float = 0.9
    # llama.cpp sampling extras, sent only in completion mode; None leaves them to the server.
    repeat_penalty: float | None = 1.15
    top_k: int | None = 40
    min_p: float | None = 0.05
    # "package.module:function" returning a LangChain model, for providers without an OpenAI-compatible API.
    factory: str = ""


class GenerationFailed(Exception):
    """The model produced nothing usable, or could not be reached. The message is the technical detail (for
    the log and a details toggle); ``reason`` says what happened in an editor's words."""

    REASONS = {
        "timeout": "写作模型没有在时限内写完",
        "unreachable": "连不上写作模型服务，它可能没有启动",
        "auth": "写作模型服务拒绝了密钥，请管理员检查 OPENAI_API_KEY",
        "config": "写作模型的设置有误，请管理员检查模型名称与地址",
        "unusable": "写作模型没有写出可用的文字",
        "failed": "调用写作模型失败",
    }

    def __init__(self, detail: str, kind: str = "failed"):
        super().__init__(detail)
        self.kind = kind if kind in self.REASONS else "failed"

    @property
    def reason(self) -> str:
        return self.REASONS[self.kind]


def public_url(url: str) -> str:
    """The base URL without user:password, for messages."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "<invalid url>"
    netloc = parts.hostname or ""
    if parts.port:
        netloc += f":{parts.port}"
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def redact(message: str, settings: LLMSettings) -> str:
    message = str(message)
    if settings.api_key and len(settings.api_key) >= 4:
        message = message.replace(settings.api_key, "***")
    message = re.sub(r"\b(sk|key|tok)-[A-Za-z0-9_\-]{6,}", r"\1-***", message)
    return message[:300]


def _from_factory(settings: LLMSettings) -> BaseLanguageModel:
    module_name, _, attribute = settings.factory.partition(":")
    try:
        factory = getattr(importlib.import_module(module_name), attribute)
    except (ImportError, AttributeError, ValueError) as exc:
        raise GenerationFailed(f"model factory {settings.factory!r} not found ({exc})", "config") from exc
    model = factory(settings)
    wanted = BaseChatModel if settings.mode == "chat" else BaseLLM
    if not isinstance(model, wanted):
        raise GenerationFailed(f"model factory {settings.factory!r} returned {type(model).__name__}, "
                               f"not a {'chat' if settings.mode == 'chat' else 'completion'} model", "config")
    return model


def build_model(settings: LLMSettings) -> BaseLanguageModel:
    """The LangChain model the settings describe."""
    if settings.mode not in ("completion", "chat"):
        raise GenerationFailed(f"unknown LLM mode {settings.mode!r} (use 'completion' or 'chat')", "config")
    if settings.factory:
        return _from_factory(settings)
    common = {"model": settings.model, "base_url": settings.base_url, "api_key": settings.api_key or "not-needed",
              "temperature": settings.temperature, "top_p": settings.top_p, "timeout": settings.timeout_s,
              # A failed call is reported at once; the candidate loop decides whether to ask again.
              "max_retries": 0}
    if settings.mode == "chat":
        return ChatOpenAI(**common)
    extra = {key: value for key, value in (("repeat_penalty", settings.repeat_penalty),
                                           ("top_k", settings.top_k), ("min_p", settings.min_p))
             if value is not None}
    return OpenAI(**common, max_tokens=settings.max_tokens, extra_body=extra or None)


def openai_compatible(model: BaseLanguageModel) -> bool:
    """Whether per-call OpenAI request options (seed, extra body fields) can be passed to the model."""
    return isinstance(model, (ChatOpenAI, OpenAI))


class FinishReason(BaseCallbackHandler):
    """Remembers why a streamed completion ended ("length" when cut off by max_tokens)."""

    def __init__(self):
        self.reason: str | None = None

    def on_llm_new_token(self, token, *, chunk=None, **kwargs) -> None:
        info = getattr(chunk, "generation_info", None) or {}
        if info.get("finish_reason"):
            self.reason = info["finish_reason"]


@contextmanager
def model_errors(settings: LLMSettings):
    """Turn the provider's exceptions into GenerationFailed with a message fit for an editor."""
    url = public_url(settings.base_url)
    try:
        yield
    except openai.APITimeoutError as exc:
        raise GenerationFailed(f"model server at {url} did not answer within {settings.timeout_s:g} s",
                               "timeout") from exc
    except openai.APIConnectionError as exc:
        raise GenerationFailed(f"model server unreachable at {url}", "unreachable") from exc
    except openai.AuthenticationError as exc:
        raise GenerationFailed(f"model server at {url} rejected the API key (HTTP {exc.status_code})",
                               "auth") from exc
    except openai.NotFoundError as exc:
        raise GenerationFailed(
            f"model server at {url} answered 404 (model {settings.model!r} or the "
            f"{'chat' if settings.mode == 'chat' else 'completions'} endpoint not found)", "config") from exc
    except openai.APIStatusError as exc:
        detail = redact(getattr(exc, "message", "") or str(exc), settings)
        raise GenerationFailed(f"model server at {url} returned HTTP {exc.status_code}: {detail}") from exc
    except openai.OpenAIError as exc:
        raise GenerationFailed(f"model call failed: {redact(exc, settings)}") from exc
