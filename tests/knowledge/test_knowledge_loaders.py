"""PDF and DOCX knowledge files, bad-file errors, and the skip-and-report mode of load_brand_kit."""

import io

import pytest

from knowledge import KitError, load_brand_kit, loaders


def make_pdf(lines: list[str], *, password: str | None = None) -> bytes:
    """A one-page PDF whose text is `lines` (Helvetica, so ASCII only), built with pypdf's writer."""
    from pypdf import PdfWriter
    from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

    writer = PdfWriter()
    page = writer.add_blank_page(width=612, height=792)
    font = DictionaryObject({NameObject("/Type"): NameObject("/Font"),
                             NameObject("/Subtype"): NameObject("/Type1"),
                             NameObject("/BaseFont"): NameObject("/Helvetica")})
    page[NameObject("/Resources")] = DictionaryObject(
        {NameObject("/Font"): DictionaryObject({NameObject("/F1"): writer._add_object(font)})})
    stream = DecodedStreamObject()
    stream.set_data(("BT /F1 12 Tf 14 TL 72 720 Td " + " ".join(f"({line}) Tj T*" for line in lines)
                     + " ET").encode("latin-1"))
    page[NameObject("/Contents")] = writer._add_object(stream)
    if password:
        writer.encrypt(password)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def make_docx(heading: str | None, paragraphs: list[str], table: list[list[str]] | None = None) -> bytes:
    import docx

    document = docx.Document()
    if heading:
        document.add_heading(heading, level=1)
    for text in paragraphs:
        document.add_paragraph(text)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, value in enumerate(row):
                grid.cell(r, c).text = value
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_pdf_becomes_a_brand_story_titled_by_its_first_line(make_kit):
    kit = load_brand_kit(make_kit({"store-guide.pdf": make_pdf(["Store Guide 2024", "Open daily 9:00-21:00."])}))
    (doc,) = kit.documents
    assert (doc.doc_id, doc.type, doc.title) == ("store-guide", "brand_story", "Store Guide 2024")
    assert "9:00-21:00" in doc.text and doc.source == "knowledge/store-guide.pdf"
    assert kit.skipped == []


def test_docx_headings_tables_and_sidecar_metadata(make_kit):
    body = make_docx("冬日品鉴会", ["每周五20:00在群里品鉴白牡丹。"], table=[["茶品", "价格"], ["白牡丹2024", "168元"]])
    sidecar = "type: campaign\nvalid_from: 2026-11-01\nvalid_to: 2027-01-31\nproducts: [BM-2024]\n"
    kit = load_brand_kit(make_kit({"winter.docx": body, "winter.yaml": sidecar}))
    (doc,) = kit.documents
    assert (doc.doc_id, doc.type, doc.title) == ("winter", "campaign", "冬日品鉴会")
    assert doc.text.startswith("# 冬日品鉴会") and "白牡丹2024 | 168元" in doc.text
    assert str(doc.valid_from) == "2026-11-01" and doc.products == ["BM-2024"]


def test_docx_without_heading_is_titled_by_its_first_paragraph(make_kit):
    kit = load_brand_kit(make_kit({"notes.docx": make_docx(None, ["门店须知", "营业到晚上九点。"])}))
    assert kit.documents[0].title == "门店须知" and kit.documents[0].type == "brand_story"


@pytest.mark.parametrize(("name", "content", "reason"), [
    ("secret.pdf", make_pdf(["Price list"], password="s3cret"), "PDF is encrypted"),
    ("broken.pdf", b"%PDF-1.7\nthis is not really a pdf", "not a readable PDF"),
    ("fake.docx", b"PK\x03\x04 not a zip at all", "not a valid DOCX"),
    ("photo.md", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "looks like a binary file"),
    ("gbk.txt", "三坊七巷店每天九点开门".encode("gbk"), "not UTF-8"),
    ("empty.md", b"", "file is empty"),
    ("blank.pdf", b"   \n", "file is empty"),
    ("deep.json", b"[" * 50_000 + b"]" * 50_000, "JSON is nested 50000 levels deep"),
    ("deep-md.md", b"---\nid: " + b"[" * 50_000 + b"\n---\ntext", "nested too deeply"),
    ("long-id.json", b'{"id": "' + b"x" * 129 + b'", "type": "faq", "title": "t", "text": "t"}',
     "id is 129 characters long"),
])
def test_bad_knowledge_files_are_reported_by_name(make_kit, name, content, reason):
    root = make_kit({name: content, "ok.txt": "三坊七巷店每天九点开门。"})
    with pytest.raises(KitError) as caught:
        load_brand_kit(root)
    assert any(p.startswith(f"knowledge/{name}: ") and reason in p for p in caught.value.problems), (
        caught.value.problems)
    kit = load_brand_kit(root, strict=False)
    assert [d.doc_id for d in kit.documents] == ["ok"]
    assert [(file, reason in why) for file, why in kit.skipped] == [(f"knowledge/{name}", True)]


def test_json_depth_ignores_brackets_inside_strings():
    assert loaders.json_depth(b'{"a": [[1]], "b": "[[[[\\"[[[", "c": {}}') == 3
    assert loaders.json_depth(b"") == 0


def test_gbk_file_gets_a_hint_to_save_as_utf8(make_kit):
    root = make_kit({"gbk.txt": "三坊七巷店每天九点开门".encode("gbk")})
    with pytest.raises(KitError, match="GBK/GB18030"):
        load_brand_kit(root)


def test_files_over_the_size_limit_are_refused_without_being_read(make_kit, monkeypatch):
    monkeypatch.setattr(loaders, "MAX_FILE_BYTES", 1024)
    root = make_kit({"huge.txt": "茶" * 2000, "small.txt": "小文件"})
    with pytest.raises(KitError, match=r"knowledge/huge.txt: file is .* larger than"):
        load_brand_kit(root)
    kit = load_brand_kit(root, strict=False)
    assert [d.doc_id for d in kit.documents] == ["small"] and kit.skipped[0][0] == "knowledge/huge.txt"


def test_skip_mode_still_raises_on_brand_yaml_problems(make_kit, brand_yaml):
    root = make_kit({"ok.txt": "正文"}, brand_yaml=brand_yaml.replace("timezone: Asia/Shanghai", "timezone: Mars/Base"))
    with pytest.raises(KitError, match="timezone"):
        load_brand_kit(root, strict=False)
    with pytest.raises(KitError, match="brand.yaml: missing"):
        load_brand_kit(make_kit({"ok.txt": "正文"}, brand_yaml=None, name="no-yaml"), strict=False)


def test_skip_mode_reports_bad_front_matter_and_duplicate_ids(make_kit, md):
    root = make_kit({
        "a.md": md("same", "faq", "甲", "正文甲"),
        "b.md": md("same", "faq", "乙", "正文乙"),
        "c.md": "没有 front matter 的文件",
        "d.pdf": make_pdf(["Hello tea"]),
        "d.yaml": "type: not-a-type\n",
    })
    kit = load_brand_kit(root, strict=False)
    assert [d.doc_id for d in kit.documents] == ["same"] and kit.documents[0].title == "甲"
    skipped = dict(kit.skipped)
    assert set(skipped) == {"knowledge/b.md", "knowledge/c.md", "knowledge/d.pdf"}
    assert "duplicate document id" in skipped["knowledge/b.md"]
    assert "front matter missing" in skipped["knowledge/c.md"]
    assert "not-a-type" in skipped["knowledge/d.pdf"]


def test_sidecar_with_unknown_keys_is_an_error(make_kit):
    root = make_kit({"x.pdf": make_pdf(["Hello"]), "x.pdf.yaml": "type: faq\nauthor: me\n"})
    with pytest.raises(KitError, match="unknown keys author"):
        load_brand_kit(root)
