"""Does a draft contradict the brand's product records? A post that calls an oolong a green tea, or gives
one product another's price, passes a figure check (the wrong value is stated somewhere) but not this one.

Records are the rows of the kit's product tables ("字段：值" lines). A sentence that names exactly one
product is compared with that product's row: a category-like value that belongs to another product, or a
price, weight or volume that is not the product's own, is a contradiction. Years are left out: a sentence
about a product often tells the brand's own history.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from knowledge.loaders import NAME_COLUMNS, column_base
from studio.compliance.figures import normalize

_FIELD_LINE = re.compile(r"^\s*-?\s*([^：:\n]{1,40})[：:]\s*(.+?)\s*$", re.M)
_PUNCTUATION = re.compile(r"[^\u4e00-\u9fffA-Za-z0-9]")
_SENTENCES = re.compile(r"[^。！？!?\n；;]+")
_CJK = re.compile(r"[\u4e00-\u9fff]")
LABEL_MAX_CHARS = 8  # longer values are descriptions, not labels a post could swap

# Numeric fields by what their name says, and the figures in a sentence that state the same kind of value.
NUMERIC_KINDS = (
    # "18元/杯" or "18元每杯" is a rate for a serving, not the product's price.
    ("price", re.compile(r"price|价"), re.compile(r"(\d+(?:\.\d+)?)元(?![/每])")),
    ("weight", re.compile(r"weight|重|_g$|净含量"), re.compile(r"(\d+(?:\.\d+)?)(?:g|克)")),
    ("volume", re.compile(r"volume|容量|_ml$|毫升"), re.compile(r"(\d+(?:\.\d+)?)(?:ml|毫升)")),
)


@dataclass(frozen=True)
class ProductRecord:
    key: str  # the sku or document id
    name: str
    fields: dict


def product_records(documents: Iterable) -> list[ProductRecord]:
    """Rows of the kit's product tables (product facts written as field lines), as records."""
    records = []
    for document in documents:
        if getattr(document, "type", "") != "product_fact" or not str(document.source).endswith(".csv"):
            continue
        fields = {name.strip(): value for name, value in _FIELD_LINE.findall(document.text)}
        name = next((fields[key] for key in fields if column_base(key) in NAME_COLUMNS), document.title)
        records.append(ProductRecord(document.doc_id, name, fields))
    return records


def product_aliases(records: list[ProductRecord]) -> dict[str, set[str]]:
    """Ways a post names each product: its key, its name, and any part of the name no other product shares."""
    names = {r.key: _PUNCTUATION.sub("", r.name) for r in records}
    aliases: dict[str, set[str]] = {}
    for record in records:
        name = names[record.key]
        parts = {name[i:j] for i in range(len(name)) for j in range(i + 4, len(name) + 1)}
        unique = {p for p in parts if len(_CJK.findall(p)) >= 2
                  and not any(p in other for key, other in names.items() if key != record.key)}
        aliases[record.key] = unique | {name, record.key}
    return aliases


def _labels(records: list[ProductRecord]) -> dict[str, set[str]]:
    """Category-like fields: short text values that several products draw from (白茶, 乌龙茶, 云南)."""
    values: dict[str, set[str]] = {}
    for record in records:
        for field_name, value in record.fields.items():
            if (not re.search(r"\d", value) and len(value) <= LABEL_MAX_CHARS
                    and column_base(field_name) not in NAME_COLUMNS):
                values.setdefault(field_name, set()).add(value)
    return {name: found for name, found in values.items() if len(found) >= 2}


def contradictions(body: str, records: list[ProductRecord], given: str = "") -> list[str]:
    """Each place the post states something about a product that its record says otherwise.

    What ``given`` (the editor's brief) states is the editor's word, not a contradiction: a brief may
    announce next year's price of a product the records know at this year's."""
    if not records:
        return []
    aliases, labels = product_aliases(records), _labels(records)
    by_key = {record.key: record for record in records}
    found = []
    for sentence in _SENTENCES.findall(body):
        plain = _PUNCTUATION.sub("", sentence)
        named = [key for key, names in aliases.items() if any(alias in plain for alias in names)]
        if len(named) != 1:  # a sentence comparing products cannot be pinned to one record
            continue
        record = by_key[named[0]]
        for field_name, values in labels.items():
            own = record.fields.get(field_name, "")
            for value in values:
                if value in sentence and value not in own and own not in value and value not in record.name \
                        and value not in given:
                    found.append(f"{record.name} 的 {field_name} 是“{own}”，文中写成“{value}”")
        found += _numeric_contradictions(sentence, record, normalize(given) if given else "")
    return found


def _numeric_contradictions(sentence: str, record: ProductRecord, given: str = "") -> list[str]:
    stated = normalize(sentence)  # one spelling per figure (¥1,280 → 1280元), the words around it kept
    found = []
    for field_name, value in record.fields.items():
        own = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*\S{0,3}", value)
        if own is None:
            continue
        for kind, name_pattern, figure_pattern in NUMERIC_KINDS:
            if not name_pattern.search(field_name.lower()):
                continue
            numbers = figure_pattern.findall(stated)
            if numbers and not any(float(n) == float(own.group(1)) for n in numbers):
                # A figure the brief states is the editor's word, not the draft's mistake.
                numbers = [n for n in numbers if n not in figure_pattern.findall(given)]
            if numbers and not any(float(n) == float(own.group(1)) for n in numbers):
                found.append(f"{record.name} 的 {field_name} 是 {own.group(1)}，文中写成 {'、'.join(numbers)}")
    return found
