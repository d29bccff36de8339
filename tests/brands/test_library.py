"""The knowledge library page: upload, inspect, delete, re-index and the search playground."""
import io


def _upload(client, name: str, data: bytes):
    return client.post("/brands/chayun/documents", data={"files": (io.BytesIO(data), name)},
                       content_type="multipart/form-data", follow_redirects=True)


NEW_DOC = "---\nid: store-xiamen\ntype: faq\ntitle: 厦门鼓浪屿店\n---\n## 门店\n厦门鼓浪屿店地址是龙头路88号，每天10:00到21:00营业。".encode()


def test_an_uploaded_document_is_indexed_and_searchable(client, auth, kit):
    auth.login("editor")
    page = _upload(client, "鼓浪屿店.md", NEW_DOC).get_data(as_text=True)
    assert "已导入" in page and "store-xiamen" in page
    assert (kit / "knowledge" / "鼓浪屿店.md").exists()
    page = client.get("/brands/chayun?q=鼓浪屿店几点关门").get_data(as_text=True)
    assert "store-xiamen" in page and "BM25" in page
    chunks = client.get("/brands/chayun/documents/store-xiamen").get_data(as_text=True)
    assert "store-xiamen#0" in chunks and "龙头路88号" in chunks


def test_a_bad_upload_is_named_and_changes_nothing(client, auth, kit):
    auth.login("editor")
    before = sorted(p.name for p in (kit / "knowledge").iterdir())
    page = _upload(client, "坏文件.md", "---\nid: x\ntitle: 没有类型\n---\n正文".encode()).get_data(as_text=True)
    assert "坏文件.md" in page and "type" in page
    assert sorted(p.name for p in (kit / "knowledge").iterdir()) == before
    page = _upload(client, "../../evil.sh", b"echo hi").get_data(as_text=True)
    assert "不支持的文件类型" in page
    assert not (kit.parent / "evil.sh").exists()


def test_deleting_a_document_removes_its_file_and_chunks(client, auth, kit):
    auth.login("editor")
    _upload(client, "鼓浪屿店.md", NEW_DOC)
    page = client.post("/brands/chayun/documents/store-xiamen/delete", follow_redirects=True).get_data(as_text=True)
    assert "已删除 store-xiamen" in page
    assert not (kit / "knowledge" / "鼓浪屿店.md").exists()
    assert client.get("/brands/chayun/documents/store-xiamen").status_code == 404  # gone, like any unknown id
    assert "store-xiamen" not in client.get("/brands/chayun?q=鼓浪屿店").get_data(as_text=True)


def test_a_product_row_cannot_be_deleted_alone(client, auth, kit):
    auth.login("editor")
    page = client.post("/brands/chayun/documents/BM-2024/delete", follow_redirects=True).get_data(as_text=True)
    assert "products.csv" in page and (kit / "knowledge" / "products.csv").exists()


def test_only_admins_reindex(client, auth, kit):
    auth.login("editor")
    assert client.post("/brands/chayun/reindex").status_code == 403
    auth.logout()
    auth.login("admin")
    assert "已重建索引" in client.post("/brands/chayun/reindex", follow_redirects=True).get_data(as_text=True)
