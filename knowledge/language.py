"""Whether a query is written in the language of the knowledge it searches.

An English query against Chinese documents still gets hits (a hashed vector is never empty, a Latin word
may match a SKU), but they mean nothing. The check is lexical: a query in Latin letters, against a knowledge
base that is mostly Hanzi, whose words the knowledge base mostly does not contain. Latin words the documents
use (a product's English name, an SKU, "brand") keep a query in language.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Callable, Iterable

_TOKEN = re.compile(r"[a-z0-9]+(?:[-_.][a-z0-9]+)*")
_LETTERS = re.compile(r"[a-z]{2,}")
# A knowledge base whose letters are at least this share Hanzi is Chinese.
CHINESE_SHARE = 0.5


@dataclass
class QueryLanguage:
    """The query's and the knowledge's language ("zh", "en" or "" when undecided) and whether they differ."""

    query: str
    knowledge: str
    mismatch: bool = False
    unknown_words: list[str] = field(default_factory=list)
    suggestions: list[str] = field(default_factory=list)  # the brand's own terms to search with instead


def is_hanzi(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf" or "\uf900" <= ch <= "\ufaff"


def latin_words(text: str) -> list[str]:
    """Words of two or more Latin letters (NFKC-lowercased). A token with a digit is a code (an SKU, a size,
    a year): it pins a fact down in any language, so it is left out."""
    folded = unicodedata.normalize("NFKC", text or "").lower()
    return [word for token in _TOKEN.findall(folded) if not any(ch.isdigit() for ch in token)
            for word in _LETTERS.findall(token)]


def text_language(text: str) -> str:
    """ "zh" when the text has Hanzi, "en" when it has Latin words and no Hanzi, else ""."""
    if any(is_hanzi(ch) for ch in unicodedata.normalize("NFKC", text or "")):
        return "zh"
    return "en" if latin_words(text) else ""


def vocabulary_language(terms: Iterable[str], document_frequencies: Iterable[int]) -> str:
    """The language of an index from its terms and how many texts hold each: "zh", "en" or ""."""
    hanzi = latin = 0
    for term, df in zip(terms, document_frequencies):
        if any(is_hanzi(ch) for ch in term):
            hanzi += int(df)
        elif any("a" <= ch <= "z" for ch in term) and not any(ch.isdigit() for ch in term):
            latin += int(df)
    if not hanzi + latin:
        return ""
    return "zh" if hanzi / (hanzi + latin) >= CHINESE_SHARE else "en"


def check_query_language(query: str, knowledge_language: str, is_known: Callable[[str], bool]
                         ) -> QueryLanguage:
    """Compare the query's language with the knowledge's; `is_known(word)` says whether the index has a word.

    A mismatch is a query without Hanzi against Chinese knowledge, with at least half of its Latin words
    unknown to the index. Codes (words with digits) never count against a query."""
    language = text_language(query)
    result = QueryLanguage(query=language, knowledge=knowledge_language)
    if language != "en" or knowledge_language != "zh":
        return result
    words = list(dict.fromkeys(latin_words(query)))
    unknown = [word for word in words if not is_known(word)]
    result.unknown_words = unknown
    result.mismatch = bool(words) and len(unknown) * 2 >= len(words)
    return result


def suggested_terms(brand_terms: Iterable[str], limit: int = 3) -> list[str]:
    """A few of the brand's own terms (product names, the brand) in Hanzi, shortest forms first seen."""
    picked: list[str] = []
    for term in brand_terms:
        term = (term or "").strip()
        if term and any(is_hanzi(ch) for ch in term) and len(term) <= 12 and not any(ch in term for ch in "（(：:"):
            picked.append(term)
        if len(picked) == limit:
            break
    return picked
