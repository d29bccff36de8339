"""The brand knowledge index as this app configures it (Chroma, embedder, BM25 files)."""
from __future__ import annotations

import threading
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse

from flask import current_app

from knowledge.embeddings import make_embedder
from knowledge.errors import EmbedderMismatch
from knowledge.index import KnowledgeIndex
from knowledge.sharing import SharedChromaFolder
from studio.errors import IndexNeedsRebuild

_lock = threading.Lock()


def _chroma_client(config):
    """A Chroma server's client; else the local folder, which the web and worker processes share."""
    if config["CHROMA_URL"]:
        import chromadb
        from chromadb.config import Settings

        url = urlparse(config["CHROMA_URL"])
        return chromadb.HttpClient(host=url.hostname, port=url.port or 8000, ssl=url.scheme == "https",
                                   settings=Settings(anonymized_telemetry=False))
    return SharedChromaFolder(Path(config["STUDIO_DATA_DIR"]) / "chroma")


def get_index() -> KnowledgeIndex:
    """One index per app and process, opened on first use (after a worker forks)."""
    app = current_app._get_current_object()
    index = app.extensions.get("knowledge_index")
    if index is None:
        with _lock:
            index = app.extensions.get("knowledge_index")
            if index is None:
                config = app.config
                embedder = make_embedder(config["STUDIO_EMBEDDINGS"],
                                         base_url=config["STUDIO_EMBEDDINGS_BASE_URL"],
                                         api_key=config["OPENAI_API_KEY"])
                index = KnowledgeIndex(_chroma_client(config), embedder,
                                       Path(config["STUDIO_DATA_DIR"]) / "bm25")
                app.extensions["knowledge_index"] = index
    return index


@contextmanager
def index_errors():
    """Turn an index built by another embedder into a message that asks for a re-index."""
    try:
        yield
    except EmbedderMismatch as exc:
        raise IndexNeedsRebuild(
            f"品牌 {exc.brand_slug} 的知识索引由嵌入模型 {exc.indexed_with} 构建，当前配置为 {exc.configured}："
            f"请重建索引（studio brand import DIR --reindex） / the index was built with {exc.indexed_with}, "
            f"the configured embedder is {exc.configured}: re-index the brand") from exc
