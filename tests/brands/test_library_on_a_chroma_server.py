"""With CHROMA_URL set, the library indexes into a Chroma server and keeps nothing of the index locally."""
import io
import shutil
import subprocess
import urllib.request

import pytest

from studio.brands import kits, library
from studio.cli import DEMO_KIT
from studio.extensions import db
from tests.support import VENV_BIN, free_port, wait_until
from tests.support.app import AuthActions, add_users, make_app


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=1) as response:
            return response.status == 200
    except OSError:
        return False


@pytest.fixture
def chroma_server(tmp_path):
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with open(tmp_path / "chroma-server.log", "wb") as log:
        process = subprocess.Popen([str(VENV_BIN / "chroma"), "run", "--path", str(tmp_path / "server"),
                                    "--host", "127.0.0.1", "--port", str(port)], stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_until(lambda: process.poll() is None and _answers(url), 60, 0.2, "the Chroma server answering",
                   details=lambda: (tmp_path / "chroma-server.log").read_text(errors="replace")[-2000:])
        yield url
    finally:
        process.terminate()
        process.wait(20)


def test_uploads_are_indexed_on_the_chroma_server(tmp_path, chroma_server):
    data_dir = tmp_path / "data"
    app = make_app(data_dir, CHROMA_URL=chroma_server)
    kit = tmp_path / "kit"
    shutil.copytree(DEMO_KIT, kit)
    try:
        with app.app_context():
            kits.import_brand_kit(kit)
            add_users("editor")
        client = app.test_client()
        AuthActions(client).login("editor")
        doc = "---\nid: store-xiamen\ntype: faq\ntitle: 厦门鼓浪屿店\n---\n厦门鼓浪屿店地址是龙头路88号。".encode()
        response = client.post("/brands/chayun/documents", data={"files": (io.BytesIO(doc), "鼓浪屿店.md")},
                               content_type="multipart/form-data")
        assert response.status_code == 302
        assert "已导入" in client.get("/brands/chayun").get_data(as_text=True)
        with app.app_context():
            assert library.search_playground("chayun", "龙头路88号")[0]["doc_id"] == "store-xiamen"
        assert not [p.name for p in data_dir.iterdir() if p.name.startswith("chroma")]
    finally:
        with app.app_context():
            db.engine.dispose()
