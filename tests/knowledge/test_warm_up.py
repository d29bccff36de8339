"""A serving process loads the knowledge index, jieba and the brands' words when it starts, in the background,
so the first search after a start is as quick as the ones after it."""
import json
import subprocess
import sys
import pytest

from knowledge import HashingEmbedder, KnowledgeIndex, open_persistent_client
from knowledge import bm25
from studio.compliance import tagging
from studio.knowledge_base import warm_up
from tests.support import ROOT
from tests.support.app import demo_app, make_app

FIRST_SEARCH = """
import json, sys, threading, time
from studio import create_app
from studio.brands import kits
app = create_app({"STUDIO_DATA_DIR": sys.argv[1], "STUDIO_WARM_UP": sys.argv[2] == "warm"})
for thread in threading.enumerate():
    if thread.name == "knowledge-warm-up":
        thread.join(60)
with app.app_context():
    started = time.perf_counter()
    kits.search_knowledge("chayun", "泡白牡丹要多热的水")
    first = time.perf_counter() - started
    started = time.perf_counter()
    kits.search_knowledge("chayun", "冬日品鉴会几点开始")
    second = time.perf_counter() - started
print(json.dumps({"first_ms": first * 1000, "second_ms": second * 1000}))
"""


def test_index_warm_up_loads_a_brands_lexical_data_before_any_search(tmp_path, make_kit, md):
    from knowledge import load_brand_kit

    kit = load_brand_kit(make_kit({"a.md": md("doc-a", "faq", "冲泡", "白牡丹用90℃的水冲泡。")}))
    chroma = tmp_path / "chroma"
    KnowledgeIndex(open_persistent_client(chroma), HashingEmbedder(), tmp_path / "bm25").sync_brand(
        kit.slug, kit.documents)
    fresh = KnowledgeIndex(open_persistent_client(chroma), HashingEmbedder(), tmp_path / "bm25")
    assert kit.slug not in fresh._bm25
    assert fresh.warm_up(kit.slug) is True
    assert kit.slug in fresh._bm25, "the BM25 file is read and kept"
    assert fresh.warm_up("no-such-brand") is False


def test_a_serving_process_warms_the_index_jieba_and_the_lint_in_the_background(tmp_path):
    demo_app(tmp_path / "data")
    app = make_app(tmp_path / "data")  # a process starting on an imported brand
    assert "knowledge_index" not in app.extensions
    lint_loaded = []
    thread = warm_up.start_in_background(app, lambda: lint_loaded.append(tagging.tokenizer()))
    thread.join(60)
    assert not thread.is_alive()
    assert "chayun" in app.extensions["knowledge_index"]._bm25
    assert bm25._tokenizer is not None and lint_loaded and lint_loaded[0] is not None


def test_warm_up_starts_only_when_asked(tmp_path, monkeypatch):
    started = []
    monkeypatch.setattr(warm_up, "start_in_background", lambda app, *also: started.append((app, also)))
    monkeypatch.delenv("STUDIO_WARM_UP", raising=False)
    make_app(tmp_path / "off")
    assert started == [], "commands and tests start no thread"
    app = make_app(tmp_path / "on", STUDIO_WARM_UP=True)
    assert [a for a, _ in started] == [app] and started[0][1] == (tagging.tokenizer,), "the lint's jieba too"
    monkeypatch.setenv("STUDIO_WARM_UP", "1")
    make_app(tmp_path / "env")
    assert len(started) == 2


def test_a_brand_whose_index_cannot_be_searched_is_skipped_and_the_others_are_warmed(tmp_path):
    data = tmp_path / "data"
    demo_app(data)
    other = make_app(data, STUDIO_EMBEDDINGS="openai:text-embedding-3-small",
                     STUDIO_EMBEDDINGS_BASE_URL="http://127.0.0.1:9/v1")
    with other.app_context():
        assert warm_up.warm_up_index() == {}, "an index built by another embedder is left to the first search"


@pytest.mark.slow
def test_the_first_search_after_a_warmed_start_is_as_quick_as_later_ones(tmp_path):
    data = tmp_path / "data"
    demo_app(data)

    def first_search(mode: str) -> dict:
        done = subprocess.run([sys.executable, "-c", FIRST_SEARCH, str(data), mode], cwd=ROOT, capture_output=True,
                              text=True, timeout=180)
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout.strip().splitlines()[-1])

    cold, warm = first_search("cold"), first_search("warm")
    print(f"\nfirst search after start: cold {cold['first_ms']:.0f} ms, warmed {warm['first_ms']:.0f} ms "
          f"(later searches {cold['second_ms']:.0f} / {warm['second_ms']:.0f} ms)")
    assert warm["first_ms"] < cold["first_ms"] / 3
