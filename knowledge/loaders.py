"""Read the files of a brand kit's knowledge/ folder into Documents."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import numpy as np
import yaml

DOC_TYPES = ("brand_story", "product_fact", "faq", "campaign", "persona", "regional_culture")
SUPPORTED_SUFFIXES = (".md", ".csv", ".txt", ".json", ".pdf", ".docx")
BINARY_SUFFIXES = (".pdf", ".docx")
MAX_FILE_BYTES = 50 * 1024 * 1024
# Deeper nesting is no document anyone writes, and Python's parsers recurse once per level.
MAX_JSON_DEPTH = 64
# The studio stores document ids in a column this wide.
MAX_ID_CHARS = 128
# Keys a sidecar YAML (menu.yaml or menu.pdf.yaml beside menu.pdf) may set for a PDF/DOCX document.
SIDECAR_KEYS = {"type", "title", "valid_from", "valid_to", "products", "tags"}

# Product tables come with their own headers: the key and name columns go by any of these names.
KEY_COLUMNS = ("sku", "货号", "编号", "商品编号", "产品编号", "商品编码", "产品编码", "编码", "款号", "product_id", "id")
NAME_COLUMNS = ("name", "名称", "品名", "商品名称", "产品名称", "商品名", "产品名", "title")
# "净含量_克", "零售价（元）", "price (yuan)": the unit a header carries after its name.
_HEADER_UNIT = re.compile(r"\s*(?:[_\-/]\s*(?:元|克|千克|g|kg|ml|毫升|升|yuan|rmb|cny|个月|天|小时|cm|厘米)"
                          r"|[（(][^）)]{1,8}[）)])$")
_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.S)
_BAD_ID_CHARS = re.compile(r"[#\s]")
_JSON_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.S)


class _KitYamlLoader(yaml.SafeLoader):
    """SafeLoader that leaves dates as text, so a bad date is reported instead of crashing the parser."""


_KitYamlLoader.add_constructor(
    "tag:yaml.org,2002:timestamp", lambda loader, node: loader.construct_scalar(node)
)


def parse_yaml(text: str):
    """Parse kit YAML safely, keeping dates as strings."""
    return yaml.load(text, Loader=_KitYamlLoader)  # noqa: S506 - a SafeLoader subclass


@dataclass
class Document:
    """One retrievable piece of brand knowledge."""

    doc_id: str
    type: str
    title: str
    text: str
    valid_from: date | None
    valid_to: date | None
    source: str
    products: list[str]
    checksum: str
    tags: list[str] = field(default_factory=list)

    def is_valid_on(self, day: date) -> bool:
        """True when `day` lies inside the document's validity window."""
        return not ((self.valid_from and day < self.valid_from) or (self.valid_to and day > self.valid_to))


def checksum_of(raw: bytes, doc_id: str) -> str:
    """sha256 of a source file's bytes plus the document id."""
    return hashlib.sha256(raw + b"\0" + doc_id.encode("utf-8")).hexdigest()


def load_documents(knowledge_dir: Path, root: Path, problems: list[str],
                   skipped: list[tuple[str, str]] | None = None) -> list[Document]:
    """Load every supported file under knowledge_dir; append problems instead of raising.

    With `skipped` given ("skip and report"), a file with any problem contributes no documents and
    is listed there as (file, reason) instead of adding to `problems`.
    """
    documents: list[Document] = []
    files = sorted(
        p for p in knowledge_dir.rglob("*")
        if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES and not p.name.startswith(".")
    )
    seen: dict[str, str] = {}
    for path in files:
        rel = path.relative_to(root).as_posix()
        found: list[str] = []
        docs = _load_file(path, rel, found)
        _check_unique_ids(docs, found, seen)
        if found and skipped is not None:
            skipped.append((rel, "; ".join(_reason(rel, p) for p in found)))
            continue
        problems.extend(found)
        for doc in docs:
            seen.setdefault(doc.doc_id, doc.source)
        documents.extend(docs)
    return documents


def _reason(rel: str, problem: str) -> str:
    return problem[len(rel) + 2:] if problem.startswith(rel + ": ") else problem


def _load_file(path: Path, rel: str, problems: list[str]) -> list[Document]:
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        problems.append(f"{rel}: file is {size / 1024 / 1024:.1f} MB, larger than the "
                        f"{MAX_FILE_BYTES // 1024 // 1024} MB limit / 文件过大")
        return []
    raw = path.read_bytes()
    if not raw.strip():
        problems.append(f"{rel}: file is empty / 文件为空")
        return []
    suffix = path.suffix.lower()
    if suffix in BINARY_SUFFIXES:
        return _BINARY_LOADERS[suffix](path, rel, raw, problems)
    if b"\0" in raw[:8192]:
        problems.append(f"{rel}: looks like a binary file, not {suffix[1:].upper()} text / 不是文本文件")
        return []
    text = _decode(raw, rel, problems)
    if text is None:
        return []
    if not text.strip():
        problems.append(f"{rel}: file is empty / 文件为空")
        return []
    return _LOADERS[suffix](path, rel, raw, text, problems)


def _decode(raw: bytes, rel: str, problems: list[str]) -> str | None:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        hint = ""
        try:
            raw.decode("gb18030")
            hint = "; it looks like GBK/GB18030: save it as UTF-8"
        except UnicodeDecodeError:
            pass
        problems.append(f"{rel}: not UTF-8 (byte {exc.start}){hint} / 文件不是 UTF-8 编码")
        return None


def _check_unique_ids(documents: list[Document], problems: list[str], seen: dict[str, str]) -> None:
    """Report documents whose id is already in `seen` (id -> source) or repeated among themselves."""
    seen = dict(seen)
    for doc in documents:
        if doc.doc_id in seen:
            problems.append(
                f"{doc.source}: duplicate document id {doc.doc_id!r} (also in {seen[doc.doc_id]}) / 文档 id 重复"
            )
        else:
            seen[doc.doc_id] = doc.source


def load_markdown(path: Path, rel: str, raw: bytes, text: str, problems: list[str]) -> list[Document]:
    """A Markdown file with YAML front matter is one document."""
    match = _FRONT_MATTER.match(text)
    if not match:
        problems.append(f"{rel}: front matter missing (the file must start with a '---' YAML block)")
        return []
    try:
        meta = parse_yaml(match.group(1))
    except yaml.YAMLError as exc:
        problems.append(f"{rel}: malformed front matter YAML: {yaml_reason(exc, line_offset=1)}")
        return []
    except RecursionError:
        problems.append(f"{rel}: front matter YAML is nested too deeply / 嵌套层数过多")
        return []
    if not isinstance(meta, dict):
        problems.append(f"{rel}: front matter must be a mapping of keys")
        return []
    body = text[match.end():].strip()
    if not body:
        problems.append(f"{rel}: document has no text after the front matter")
        return []
    doc = _document_from_fields(meta, body, rel, raw, rel, problems)
    return [doc] if doc else []


def column_base(header: str) -> str:
    """A table header without the unit it carries: "售价_元" and "零售价（元）" are price columns."""
    name = header.strip().lower()
    base = _HEADER_UNIT.sub("", name)
    return base or name


def load_csv(path: Path, rel: str, raw: bytes, text: str, problems: list[str]) -> list[Document]:
    """A product table: every row becomes one product_fact document keyed by sku."""
    rows = list(csv.reader(io.StringIO(text, newline="")))
    if not rows or not any(cell.strip() for cell in rows[0]):
        problems.append(f"{rel}: CSV has no header row")
        return []
    header = [cell.strip().lstrip("\ufeff") for cell in rows[0]]
    key_col = next((i for i, name in enumerate(header) if column_base(name) in KEY_COLUMNS), None)
    if key_col is None:
        problems.append(f"{rel}: no product key column: name one column sku (or 编号, 货号, 商品编码), "
                        f"found {', '.join(repr(name) for name in header[:6])} / 缺少 sku 列")
        return []
    title_col = next((i for i, name in enumerate(header) if column_base(name) in NAME_COLUMNS), None)
    documents = []
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        where = f"{rel} row {number}"
        if len(row) > len(header):
            problems.append(f"{where}: {len(row)} cells but the header has {len(header)} columns")
            continue
        cells = [cell.strip() for cell in row] + [""] * (len(header) - len(row))
        sku = cells[key_col]
        if not sku:
            problems.append(f"{where}: missing sku / 缺少 sku")
            continue
        if _BAD_ID_CHARS.search(sku) or len(sku) > MAX_ID_CHARS:
            problems.append(f"{where}: sku {sku!r} must not contain spaces or '#' "
                            f"nor be longer than {MAX_ID_CHARS} characters")
            continue
        lines = [f"{name}：{value}" for name, value in zip(header, cells) if name and value]
        title = cells[title_col] if title_col is not None and cells[title_col] else sku
        documents.append(Document(
            doc_id=sku, type="product_fact", title=title, text="\n".join(lines),
            valid_from=None, valid_to=None, source=rel, products=[sku], checksum=checksum_of(raw, sku),
        ))
    return documents


def load_text(path: Path, rel: str, raw: bytes, text: str, problems: list[str]) -> list[Document]:
    """A plain text file is one brand_story document named after the file."""
    doc_id = path.stem
    if _BAD_ID_CHARS.search(doc_id):
        problems.append(f"{rel}: file name {doc_id!r} must not contain spaces or '#' (it is the document id)")
        return []
    if len(doc_id) > MAX_ID_CHARS:
        problems.append(f"{rel}: file name is {len(doc_id)} characters long, more than {MAX_ID_CHARS} "
                        f"(it is the document id) / 文件名过长")
        return []
    return [Document(
        doc_id=doc_id, type="brand_story", title=doc_id, text=text.strip(), valid_from=None,
        valid_to=None, source=rel, products=[], checksum=checksum_of(raw, doc_id),
    )]


def load_json(path: Path, rel: str, raw: bytes, text: str, problems: list[str]) -> list[Document]:
    """A JSON object, or list of objects, with id/type/title/text keys."""
    depth = json_depth(raw)
    if depth > MAX_JSON_DEPTH:
        problems.append(f"{rel}: JSON is nested {depth} levels deep, more than the {MAX_JSON_DEPTH} allowed "
                        f"/ JSON 嵌套层数过多")
        return []
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        problems.append(f"{rel}: malformed JSON at line {exc.lineno}: {exc.msg}")
        return []
    except RecursionError:
        problems.append(f"{rel}: JSON is nested too deeply / JSON 嵌套层数过多")
        return []
    items = data if isinstance(data, list) else [data]
    documents = []
    for number, item in enumerate(items, start=1):
        where = f"{rel} item {number}" if isinstance(data, list) else rel
        if not isinstance(item, dict):
            problems.append(f"{where}: must be an object with id/type/title/text")
            continue
        body = item.get("text")
        if not isinstance(body, str) or not body.strip():
            problems.append(f"{where}: missing 'text'")
            continue
        doc = _document_from_fields(item, body.strip(), where, raw, rel, problems)
        if doc:
            documents.append(doc)
    return documents


def json_depth(raw: bytes) -> int:
    """How deeply arrays and objects nest in JSON text, counted without parsing it."""
    brackets = np.frombuffer(_JSON_STRING.sub(b'""', raw), dtype=np.uint8)
    steps = (np.isin(brackets, _OPENING).astype(np.int64) - np.isin(brackets, _CLOSING))
    return int(np.cumsum(steps).max(initial=0))


_OPENING = np.frombuffer(b"[{", dtype=np.uint8)
_CLOSING = np.frombuffer(b"]}", dtype=np.uint8)


def _document_from_fields(
    meta: dict, body: str, where: str, raw: bytes, rel: str, problems: list[str]
) -> Document | None:
    before = len(problems)
    doc_id = _required_text(meta, "id", where, problems)
    doc_type = _required_text(meta, "type", where, problems)
    title = _required_text(meta, "title", where, problems)
    if doc_id and _BAD_ID_CHARS.search(doc_id):
        problems.append(f"{where}: id {doc_id!r} must not contain spaces or '#'")
    if len(doc_id) > MAX_ID_CHARS:
        problems.append(f"{where}: id is {len(doc_id)} characters long, more than {MAX_ID_CHARS} / 文档 id 过长")
    if doc_type and doc_type not in DOC_TYPES:
        problems.append(f"{where}: type {doc_type!r} is not one of {', '.join(DOC_TYPES)}")
    valid_from = _optional_date(meta, "valid_from", where, problems)
    valid_to = _optional_date(meta, "valid_to", where, problems)
    if valid_from and valid_to and valid_from > valid_to:
        problems.append(f"{where}: valid_from {valid_from} is after valid_to {valid_to}")
    products = _string_list(meta, "products", where, problems)
    tags = _string_list(meta, "tags", where, problems)
    if len(problems) > before:
        return None
    return Document(
        doc_id=doc_id, type=doc_type, title=title, text=body, valid_from=valid_from, valid_to=valid_to,
        source=rel, products=products, checksum=checksum_of(raw, doc_id), tags=tags,
    )


def _required_text(meta: dict, key: str, where: str, problems: list[str]) -> str:
    value = meta.get(key)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not value.strip():
        label = "front matter" if where.endswith(".md") else "document"
        problems.append(f"{where}: {label} missing {key!r}")
        return ""
    return value.strip()


def _optional_date(meta: dict, key: str, where: str, problems: list[str]) -> date | None:
    value = meta.get(key)
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        problems.append(f"{where}: {key} {value!r} is not an ISO date like 2024-06-01")
        return None


def _string_list(meta: dict, key: str, where: str, problems: list[str]) -> list[str]:
    value = meta.get(key)
    if value is None:
        return []
    scalars = isinstance(value, list) and all(isinstance(v, (str, int)) and not isinstance(v, bool) for v in value)
    if not scalars:
        problems.append(f"{where}: {key} must be a list of strings")
        return []
    return [str(v).strip() for v in value if str(v).strip()]


def yaml_reason(exc: yaml.YAMLError, *, line_offset: int = 0) -> str:
    """A one-line description of a YAML parse error with its line number."""
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    return f"{problem} (line {mark.line + 1 + line_offset})" if mark else str(problem)


def load_pdf(path: Path, rel: str, raw: bytes, problems: list[str]) -> list[Document]:
    """A PDF is one document: its pages' text, titled by its first line."""
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(raw))
        if reader.is_encrypted and not reader.decrypt(""):
            problems.append(f"{rel}: PDF is encrypted (password protected); add an unprotected copy / PDF 已加密")
            return []
        pages = [page.extract_text() or "" for page in reader.pages]
    except Exception as exc:  # noqa: BLE001 - pypdf raises many kinds of errors on damaged files
        if "encrypt" in str(exc).lower() or "password" in str(exc).lower():
            problems.append(f"{rel}: PDF is encrypted (password protected) / PDF 已加密")
        else:
            problems.append(f"{rel}: not a readable PDF ({type(exc).__name__}: {exc}) / 无法读取 PDF")
        return []
    lines = [line.strip() for page in pages for line in page.splitlines()]
    text = "\n\n".join(page.strip() for page in pages if page.strip())
    if not text:
        problems.append(f"{rel}: PDF has no extractable text (scanned images?) / PDF 中没有可提取的文字")
        return []
    title = next((line for line in lines if line), path.stem)
    return _binary_document(path, rel, raw, title, text, problems)


def load_docx(path: Path, rel: str, raw: bytes, problems: list[str]) -> list[Document]:
    """A Word file is one document: headings become Markdown headings, tables become rows of cells."""
    import docx

    try:
        document = docx.Document(io.BytesIO(raw))
    except Exception as exc:  # noqa: BLE001 - zip/xml errors of damaged files
        problems.append(f"{rel}: not a valid DOCX file ({type(exc).__name__}: {exc}) / 无法读取 Word 文件")
        return []
    lines: list[str] = []
    title = ""
    for paragraph in document.paragraphs:
        content = paragraph.text.strip()
        if not content:
            continue
        style = (paragraph.style.name if paragraph.style is not None else "") or ""
        level = _heading_level(style)
        if level and not title:
            title = content
        lines.append(f"{'#' * level} {content}" if level else content)
    for table in document.tables:
        for row in table.rows:
            cells = [cell.text.strip() for cell in row.cells]
            if any(cells):
                lines.append(" | ".join(cells))
    text = "\n\n".join(lines)
    if not text:
        problems.append(f"{rel}: Word file has no text / Word 文件没有文字")
        return []
    return _binary_document(path, rel, raw, title or lines[0], text, problems)


def _heading_level(style: str) -> int:
    name = style.lower()
    if name == "title":
        return 1
    match = re.match(r"heading\s*(\d)", name)
    return min(int(match.group(1)), 6) if match else 0


def _binary_document(path: Path, rel: str, raw: bytes, title: str, text: str,
                     problems: list[str]) -> list[Document]:
    doc_id = path.stem
    if _BAD_ID_CHARS.search(doc_id):
        problems.append(f"{rel}: file name {doc_id!r} must not contain spaces or '#' (it is the document id)")
        return []
    if len(doc_id) > MAX_ID_CHARS:
        problems.append(f"{rel}: file name is {len(doc_id)} characters long, more than {MAX_ID_CHARS} "
                        f"(it is the document id) / 文件名过长")
        return []
    meta, sidecar_raw = _sidecar(path, rel, problems)
    if meta is None:
        return []
    fields = {"id": doc_id, "type": "brand_story", "title": title[:120], **meta}
    doc = _document_from_fields(fields, text, rel, raw + b"\0" + sidecar_raw, rel, problems)
    return [doc] if doc else []


def _sidecar(path: Path, rel: str, problems: list[str]) -> tuple[dict | None, bytes]:
    """Optional metadata beside a PDF/DOCX: NAME.yaml or NAME.pdf.yaml (type, title, valid_from, ...)."""
    for candidate in (path.with_name(path.name + ".yaml"), path.with_suffix(".yaml")):
        if not candidate.is_file():
            continue
        raw = candidate.read_bytes()
        try:
            meta = parse_yaml(raw.decode("utf-8-sig")) or {}
        except UnicodeDecodeError:
            problems.append(f"{rel}: sidecar {candidate.name} is not UTF-8 / 文件不是 UTF-8 编码")
            return None, b""
        except yaml.YAMLError as exc:
            problems.append(f"{rel}: sidecar {candidate.name} is malformed YAML: {yaml_reason(exc)}")
            return None, b""
        if not isinstance(meta, dict):
            problems.append(f"{rel}: sidecar {candidate.name} must be a mapping of keys like type and title")
            return None, b""
        unknown = sorted(set(map(str, meta)) - SIDECAR_KEYS)
        if unknown:
            problems.append(f"{rel}: sidecar {candidate.name} has unknown keys {', '.join(unknown)} "
                            f"(allowed: {', '.join(sorted(SIDECAR_KEYS))})")
            return None, b""
        return meta, raw
    return {}, b""


_LOADERS = {".md": load_markdown, ".csv": load_csv, ".txt": load_text, ".json": load_json}
_BINARY_LOADERS = {".pdf": load_pdf, ".docx": load_docx}

