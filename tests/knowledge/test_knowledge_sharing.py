"""A local index folder shared by processes: a reader finds what another process wrote, writers take turns."""
import subprocess
import sys
import textwrap
import threading
import time
from datetime import date

from knowledge import HashingEmbedder, KnowledgeIndex, SharedChromaFolder
from knowledge.loaders import Document
from knowledge.sharing import FileLock
from tests.support.runtime import ROOT

WRITER = textwrap.dedent("""
    import sys
    from knowledge import HashingEmbedder, KnowledgeIndex, SharedChromaFolder
    from knowledge.loaders import Document

    chroma, data, first, last = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    docs = [Document(f"store-{n}", "faq", f"门店{n}", f"门店编号STORE{n:04d}，地址是幸福路{n}号。", None, None,
                     f"knowledge/store-{n}.md", [], f"v{n}") for n in range(first, last)]
    KnowledgeIndex(SharedChromaFolder(chroma), HashingEmbedder(), data).sync_brand("demo", docs)
""")


def _stores(first: int, last: int) -> list[Document]:
    return [Document(f"store-{n}", "faq", f"门店{n}", f"门店编号STORE{n:04d}，地址是幸福路{n}号。", None, None,
                     f"knowledge/store-{n}.md", [], f"v{n}") for n in range(first, last)]


def _write_from_another_process(tmp_path, first: int, last: int) -> None:
    subprocess.run([sys.executable, "-c", WRITER, str(tmp_path / "chroma"), str(tmp_path / "data"), str(first),
                    str(last)], cwd=ROOT, check=True, timeout=300)


def test_a_reader_finds_documents_another_process_wrote_after_it_searched(tmp_path):
    index = KnowledgeIndex(SharedChromaFolder(tmp_path / "chroma"), HashingEmbedder(), tmp_path / "data")
    index.sync_brand("demo", _stores(0, 20))
    # A dated search filters by metadata: a stale vector segment fails it with "Error finding id".
    assert [h.doc_id for h in index.search("demo", "STORE0007", k=1, on_date=date(2026, 1, 1))] == ["store-7"]
    _write_from_another_process(tmp_path, 0, 320)
    hits = index.search("demo", "STORE0277 幸福路277号", k=3, on_date=date(2026, 1, 1))
    assert hits[0].doc_id == "store-277"
    assert index.search_vector("demo", "门店编号STORE0300，地址是幸福路300号。", k=1)[0].doc_id == "store-300"
    assert index.count("demo") == 320


def test_a_writer_writes_over_what_another_process_wrote_without_losing_it(tmp_path):
    index = KnowledgeIndex(SharedChromaFolder(tmp_path / "chroma"), HashingEmbedder(), tmp_path / "data")
    index.sync_brand("demo", _stores(0, 20))
    index.search("demo", "STORE0001", k=1, on_date=date(2026, 1, 1))
    _write_from_another_process(tmp_path, 0, 300)
    index.sync_brand("demo", _stores(0, 300) + _stores(300, 310))
    reopened = KnowledgeIndex(SharedChromaFolder(tmp_path / "chroma"), HashingEmbedder(), tmp_path / "data")
    for number in (5, 150, 299, 305):
        assert reopened.search_vector("demo", f"门店编号STORE{number:04d}，地址是幸福路{number}号。",
                                      k=1)[0].doc_id == f"store-{number}"
    assert reopened.count("demo") == 310


def test_every_write_moves_the_stamp_readers_compare(tmp_path):
    folder = SharedChromaFolder(tmp_path / "chroma")
    before = folder.stamp
    with folder.reading():
        pass
    assert folder.stamp == before
    with folder.writing():
        pass
    assert folder.stamp != before


def test_a_writer_waits_for_readers_and_the_other_writer(tmp_path):
    lock = FileLock(tmp_path / "index.lock")
    events: list[str] = []

    def write() -> None:
        with lock.exclusive():
            events.append("write")

    with lock.shared():
        writer = threading.Thread(target=write)
        writer.start()
        time.sleep(0.3)
        events.append("read done")
    writer.join(10)
    assert events == ["read done", "write"]


def test_a_thread_inside_a_write_may_read_again(tmp_path):
    lock = FileLock(tmp_path / "index.lock")
    with lock.exclusive() as outermost:
        with lock.shared() as inner:
            assert (outermost, inner, lock.held) == (True, False, "exclusive")
    assert lock.held is None
