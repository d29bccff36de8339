"""Uploads to a brand's knowledge library that used to crash: each lands whole or is refused with a reason."""
import io
import threading

import pytest

from studio.brands import library
from studio.extensions import db
from studio.models import KnowledgeDocument
from tests.support.app import PASSWORDS

pytestmark = pytest.mark.hostile  # the hostile-input suite: pytest -m hostile


def _upload(client, *files: tuple[str, bytes]):
    return client.post("/brands/chayun/documents",
                       data={"files": [(io.BytesIO(data), name) for name, data in files]},
                       content_type="multipart/form-data")


def _flashed(client) -> str:
    return client.get("/brands/chayun").get_data(as_text=True)


def _stored(app, kit) -> tuple:
    """Everything an upload could change: the kit's files, the document rows and the indexed chunks."""
    with app.app_context():
        rows = sorted((r.doc_id, r.checksum) for r in db.session.scalars(db.select(KnowledgeDocument)))
        chunks = library.search_playground("chayun", "白牡丹2024 品鉴会 门店")
        return ({p.name: p.read_bytes() for p in sorted((kit / "knowledge").iterdir())}, rows,
                [(c["chunk_id"], c["text"]) for c in chunks])


def _md(doc_id: str, text: str) -> bytes:
    return f"---\nid: {doc_id}\ntype: faq\ntitle: {doc_id}\n---\n{text}".encode()


def test_json_nested_fifty_thousand_levels_is_refused_by_name_and_changes_nothing(app, client, auth, kit):
    auth.login("editor")
    before = _stored(app, kit)
    deep = b"[" * 50_000 + b"]" * 50_000
    response = _upload(client, ("嵌套.json", deep))
    assert response.status_code == 302
    page = _flashed(client)
    assert "嵌套.json" in page and "nested 50000 levels deep" in page
    assert _stored(app, kit) == before


def test_deep_json_inside_an_object_is_refused_too(app, client, auth, kit):
    auth.login("editor")
    before = _stored(app, kit)
    deep = b'{"id": "deep", "type": "faq", "title": "[[[", "text": "' + b"{" * 100 + b'", "x": ' \
        + b'{"a": ' * 70 + b"1" + b"}" * 70 + b"}"
    assert _upload(client, ("deep.json", deep)).status_code == 302
    assert "nested 71 levels deep" in _flashed(client)
    assert _stored(app, kit) == before


def test_a_255_character_name_is_shortened_keeping_its_suffix_and_uploaded(app, client, auth, kit):
    auth.login("editor")
    name = "鼓浪屿店" * 63 + ".md"
    assert len(name) == 255
    response = _upload(client, (name, _md("store-long", "鼓浪屿店地址是龙头路88号。")))
    assert response.status_code == 302
    assert "已导入" in _flashed(client)
    [saved] = [p for p in (kit / "knowledge").iterdir() if p.name.startswith("鼓浪屿店")]
    assert saved.suffix == ".md" and len(saved.name.encode()) <= library.MAX_NAME_BYTES
    assert saved.name.startswith("鼓浪屿店鼓浪屿店")
    with app.app_context():
        assert "store-long" in [h["doc_id"] for h in library.search_playground("chayun", "龙头路88号")]


def test_a_long_ascii_text_name_becomes_a_document_id_that_fits(app, client, auth, kit):
    auth.login("editor")
    name = "a" * 251 + ".txt"
    assert _upload(client, (name, "店员手册：龙头路店的店员每天九点开门。".encode())).status_code == 302
    assert "已导入" in _flashed(client)
    with app.app_context():
        ids = [r.doc_id for r in db.session.scalars(db.select(KnowledgeDocument))]
    assert "a" * library.MAX_STEM_CHARS in ids


def test_folders_and_control_characters_are_stripped_from_a_name(app, client, auth, kit):
    auth.login("editor")
    response = _upload(client, ("..\\..\\tmp/\x01新品\x7f介绍.md", _md("new-arrival", "新品上市：桂花乌龙。")))
    assert response.status_code == 302
    assert "已导入" in _flashed(client)
    assert (kit / "knowledge" / "新品介绍.md").is_file()
    assert not (kit.parent / "tmp").exists()


def test_a_name_that_is_only_a_suffix_is_refused_with_a_reason(app, client, auth, kit):
    auth.login("editor")
    before = _stored(app, kit)
    assert _upload(client, ("\x02.md", _md("x", "正文"))).status_code == 302
    assert "文件名无效" in _flashed(client)
    assert _stored(app, kit) == before


def test_six_concurrent_uploads_each_land_whole(app, users, kit):
    clients = []
    for _ in range(6):
        client = app.test_client()
        client.post("/login", data={"username": "editor", "password": PASSWORDS["editor"]})
        clients.append(client)
    statuses: dict[int, int] = {}

    def upload(number: int) -> None:
        doc = _md(f"branch-{number}", f"分店{number}号在和平路{number}00号，招牌是分店{number}号特调。")
        statuses[number] = _upload(clients[number], (f"分店{number}.md", doc)).status_code

    threads = [threading.Thread(target=upload, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert statuses == {n: 302 for n in range(6)}
    for number, client in enumerate(clients):
        assert "已导入" in client.get("/brands/chayun").get_data(as_text=True), number
    with app.app_context():
        ids = {r.doc_id for r in db.session.scalars(db.select(KnowledgeDocument))}
        for number in range(6):
            assert f"branch-{number}" in ids
            hits = library.search_playground("chayun", f"分店{number}号特调 和平路{number}00号")
            assert hits and hits[0]["doc_id"] == f"branch-{number}", (number, hits[:2])
            assert library.document_chunks("chayun", f"branch-{number}")[1]
    names = sorted(p.name for p in (kit / "knowledge").iterdir())
    assert [n for n in names if n.startswith("分店")] == [f"分店{n}.md" for n in range(6)]
    assert not [n for n in names if n.endswith(".uploading")]
