"""Secrets at rest: bot keys, webhook URLs that carry a key, signing secrets. Encrypted with Fernet
(AES-128-CBC + HMAC-SHA256, from `cryptography`) under a key from the environment or the data folder.

The key is `STUDIO_SECRETS_KEY` (several, comma-separated, to rotate: the first encrypts, all decrypt), or else
`secrets.key` in the data folder, made on first use and readable by its owner only. A backup of the database
without that key holds no usable secret. A value stored before encryption reads as it was, and is encrypted
when it is next written.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from flask import current_app
from sqlalchemy import Text
from sqlalchemy.types import TypeDecorator

from studio.errors import StudioError

KEY_ENV = "STUDIO_SECRETS_KEY"
KEY_FILE = "secrets.key"
PREFIX = "enc1:"  # marks an encrypted value; anything else was stored before encryption


class SecretsKeyMismatch(StudioError):
    status = 500


def load_box(data_dir: str | Path, environ=os.environ) -> MultiFernet:
    """The Fernet keys of this studio: from the environment, or the data folder's key file (made if missing)."""
    configured = [key.strip() for key in environ.get(KEY_ENV, "").split(",") if key.strip()]
    if not configured:
        path = Path(data_dir) / KEY_FILE
        if not path.exists():
            _make_key_file(path)
        configured = [path.read_text(encoding="ascii").strip()]
    try:
        return MultiFernet([Fernet(key) for key in configured])
    except ValueError:
        raise StudioError(f"{KEY_ENV} 或 {KEY_FILE} 不是有效的 Fernet 密钥 / {KEY_ENV} or {KEY_FILE} is not a "
                          "valid Fernet key (32 url-safe base64-encoded bytes)") from None


def _make_key_file(path: Path) -> None:
    """Write a new key whole, then link it into place: processes starting together (web, worker, beat) all
    end up reading the one key that won, never a half-written file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    draft = path.with_name(f".{KEY_FILE}.{os.getpid()}")
    descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(Fernet.generate_key())
    try:
        os.link(draft, path)
    except FileExistsError:
        pass  # another process made it first: theirs is the key
    finally:
        draft.unlink()


def init_app(app) -> None:
    app.extensions["secret_box"] = load_box(app.config["STUDIO_DATA_DIR"])


def encrypt(text: str, box: MultiFernet | None = None) -> str:
    box = box or current_app.extensions["secret_box"]
    return PREFIX + box.encrypt(text.encode("utf-8")).decode("ascii")


def decrypt(value: str, box: MultiFernet | None = None) -> str:
    if not value.startswith(PREFIX):
        return value  # stored before encryption
    box = box or current_app.extensions["secret_box"]
    try:
        return box.decrypt(value[len(PREFIX):].encode("ascii")).decode("utf-8")
    except InvalidToken:
        raise SecretsKeyMismatch(f"存储的密钥无法解密：{KEY_ENV} 或数据目录中的 {KEY_FILE} 与加密时不同 / a stored "
                                 f"secret does not decrypt: {KEY_ENV} or the data folder's {KEY_FILE} is not the "
                                 "key it was encrypted with") from None


class EncryptedText(TypeDecorator):
    """Text stored encrypted."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return None if value is None else encrypt(value)

    def process_result_value(self, value, dialect):
        return None if value is None else decrypt(value)


class EncryptedJSON(TypeDecorator):
    """A JSON document stored encrypted as text; not queryable by its keys, which nothing needs."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return None if value is None else encrypt(json.dumps(value, ensure_ascii=False, sort_keys=True))

    def process_result_value(self, value, dialect):
        return None if value is None else json.loads(decrypt(value))
