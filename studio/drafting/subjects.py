"""Is what a brief is about in the brand's kit? A product the kit does not know gets a warning that names
the closest products it does know, before anyone waits for a draft written without facts."""
from __future__ import annotations

import re
from dataclasses import dataclass

from studio.extensions import db
from studio.models import KnowledgeDocument

_PUNCTUATION = re.compile(r"[^\u4e00-\u9fffA-Za-z0-9]")
_WORD_CHARS = re.compile(r"[\u4e00-\u9fffA-Za-z]")
CLOSEST_SHOWN = 3


@dataclass(frozen=True)
class UnknownProduct:
    name: str  # as the brief wrote it
    closest: tuple[str, ...]  # the kit's product names most like it, best first

    @property
    def message(self) -> str:
        hint = f"最接近的产品：{'、'.join(self.closest)}。" if self.closest else "资料库里还没有产品。"
        return f"简报提到的产品「{self.name}」不在品牌资料中。{hint}请确认产品名，或先把它加入知识库。"


def _plain(text: str) -> str:
    return _PUNCTUATION.sub("", text).lower()


def _bigrams(text: str) -> set[str]:
    return {text[i:i + 2] for i in range(len(text) - 1)} or {text}


def _similarity(a: str, b: str) -> float:
    first, second = _bigrams(a), _bigrams(b)
    return len(first & second) / len(first | second)


def catalogue(brand_id: int) -> dict[str, str]:
    """The brand's products: each product document's title, found by its title or its id (a SKU)."""
    rows = db.session.execute(db.select(KnowledgeDocument.doc_id, KnowledgeDocument.title)
                              .where(KnowledgeDocument.brand_id == brand_id,
                                     KnowledgeDocument.type == "product_fact")).all()
    names = {}
    for doc_id, title in rows:
        names[_plain(title)] = title
        names[_plain(doc_id)] = title
    return names


def unknown_products(brand_id: int, products: list[str]) -> list[UnknownProduct]:
    """The products a brief names that no product document of the brand matches."""
    names = catalogue(brand_id)
    titles = sorted(set(names.values()))
    unknown = []
    for product in products:
        wanted = _plain(product)
        if not wanted or any(wanted in key or key in wanted for key in names if key):
            continue
        score = {title: _similarity(wanted, _plain(title)) for title in titles}
        closest: list[str] = []
        # Alike means sharing words, not only digits such as a year.
        alike = [t for t in titles if any(_WORD_CHARS.search(b) for b in _bigrams(wanted) & _bigrams(_plain(t)))]
        for title in sorted(alike, key=lambda t: -score[t]):
            # A product told in a table row and in a document ("X" and "X（SKU）") is shown once.
            if not any(_plain(kept) in _plain(title) or _plain(title) in _plain(kept) for kept in closest):
                closest.append(title)
        unknown.append(UnknownProduct(product, tuple(closest[:CLOSEST_SHOWN])))
    return unknown
