"""Brand knowledge: load brand kits, chunk and index their documents, and search them."""

from .chunking import chunk_document, split_into_chunks
from .embeddings import Embedder, HashingEmbedder, OpenAIEmbedder, make_embedder
from .errors import EmbedderMismatch, KitError, KnowledgeError
from .index import Hit, KnowledgeIndex, collection_name, open_persistent_client
from .kit import (
    DOC_TYPES,
    LIFECYCLE_STAGES,
    BrandKit,
    ChannelSpec,
    Document,
    Persona,
    Segment,
    load_brand_kit,
)
from .rerank import Candidate, LexicalOverlapReranker, Reranker
from .sharing import SharedChromaFolder

__all__ = [
    "BrandKit", "Candidate", "ChannelSpec", "DOC_TYPES", "Document", "Embedder", "EmbedderMismatch",
    "HashingEmbedder", "Hit", "KitError", "KnowledgeError", "KnowledgeIndex", "LIFECYCLE_STAGES",
    "LexicalOverlapReranker", "OpenAIEmbedder", "Persona", "Reranker", "Segment", "SharedChromaFolder",
    "chunk_document", "collection_name", "load_brand_kit", "make_embedder", "open_persistent_client", "split_into_chunks",
]
