"""Retrieval evaluation: query files, metrics, the `studio knowledge eval` command, and a quality floor."""

import json
from pathlib import Path

import pytest

from knowledge import HashingEmbedder, KnowledgeIndex, load_brand_kit, open_persistent_client
from knowledge.evaluation import QueryFileError, evaluate, first_relevant_rank, load_queries
from knowledge.loaders import Document
from studio.cli import DEMO_KIT, knowledge_cli
from studio.cli.knowledge_eval import eval_command

if "eval" not in knowledge_cli.commands:
    knowledge_cli.add_command(eval_command)

QUERIES = Path(__file__).resolve().parents[1] / "data" / "chayun_queries.jsonl"
METRICS = {"recall@1", "recall@5", "mrr", "p50_ms", "p95_ms"}


def write_lines(path: Path, *lines: str) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# ---- query files ---------------------------------------------------------------------------------

def test_load_queries_reads_valid_lines_and_skips_blank_ones(tmp_path):
    path = write_lines(tmp_path / "q.jsonl", '{"id": "a", "query": "发货", "relevant": ["ship"]}', "",
                       '{"id": 2, "query": " 退货 ", "relevant": ["refund", "faq"], "note": "x"}')
    queries = load_queries(path)
    assert [(q["id"], q["query"], q["relevant"]) for q in queries] == [
        ("a", "发货", ["ship"]), ("2", "退货", ["refund", "faq"])]


@pytest.mark.parametrize(("bad", "message"), [
    ("{not json", "malformed JSON"),
    ('["a", "b"]', "must be an object"),
    ('{"query": "发货", "relevant": ["ship"]}', "missing 'id'"),
    ('{"id": "b", "relevant": ["ship"]}', "missing 'query'"),
    ('{"id": "b", "query": "发货", "relevant": []}', "'relevant' must be a non-empty list"),
    ('{"id": "b", "query": "发货", "relevant": "ship"}', "'relevant' must be a non-empty list"),
    ('{"id": "a", "query": "又是发货", "relevant": ["ship"]}', "duplicate id 'a'"),
])
def test_load_queries_names_the_bad_line(tmp_path, bad, message):
    path = write_lines(tmp_path / "q.jsonl", '{"id": "a", "query": "发货", "relevant": ["ship"]}', "", bad)
    with pytest.raises(QueryFileError) as caught:
        load_queries(path)
    assert f"q.jsonl line 3: {message}" in str(caught.value)


def test_load_queries_rejects_missing_and_empty_files(tmp_path):
    with pytest.raises(QueryFileError, match="cannot read"):
        load_queries(tmp_path / "nope.jsonl")
    with pytest.raises(QueryFileError, match="no queries"):
        load_queries(write_lines(tmp_path / "empty.jsonl", ""))


# ---- metrics -------------------------------------------------------------------------------------

def test_first_relevant_rank_counts_documents():
    assert first_relevant_rank(["a", "b", "c"], ["c", "x"]) == 3
    assert first_relevant_rank(["a"], ["x"]) is None


class FakeIndex:
    """Returns fixed chunk lists, to check how evaluate dedupes documents and computes metrics."""

    def __init__(self, lists):
        self.lists = lists

    def _hits(self, name, query, k):
        from knowledge.index import Hit

        return [Hit(c.split("#")[0], c, "", "", 0.0, "", {}) for c in self.lists[name][query]][:k]

    def search(self, brand, query, k=5):
        return self._hits("hybrid", query, k)

    def search_bm25(self, brand, query, k=5):
        return self._hits("bm25", query, k)

    def search_vector(self, brand, query, k=5):
        return self._hits("vector", query, k)


def test_evaluate_dedupes_chunks_into_documents_before_ranking():
    lists = {
        # Chunks of "a" repeat: "c" is the 3rd distinct document, not the 4th hit.
        "hybrid": {"q1": ["a#0", "a#1", "b#0", "c#0"], "q2": ["x#0", "y#0"]},
        "bm25": {"q1": ["c#2", "a#0"], "q2": ["y#0"]},
        "vector": {"q1": ["a#0", "b#0", "d#0", "e#0", "f#0", "c#0"], "q2": []},
    }
    queries = [{"id": "1", "query": "q1", "relevant": ["c"]}, {"id": "2", "query": "q2", "relevant": ["y"]}]
    result = evaluate(FakeIndex(lists), "demo", queries, k=5)
    assert result["queries"] == 2 and set(result) == {"queries", "hybrid", "bm25", "vector"}
    assert set(result["hybrid"]) == METRICS
    assert result["hybrid"]["recall@1"] == 0.0 and result["hybrid"]["recall@5"] == 1.0
    assert result["hybrid"]["mrr"] == pytest.approx((1 / 3 + 1 / 2) / 2, abs=1e-4)
    assert result["bm25"] == {**result["bm25"], "recall@1": 1.0, "recall@5": 1.0, "mrr": 1.0}
    # "c" is the 6th distinct vector document: outside the top 5.
    assert result["vector"]["recall@5"] == 0.0 and result["vector"]["mrr"] == 0.0


# ---- quality floor on the demo brand -------------------------------------------------------------

@pytest.fixture(scope="module")
def demo_index(tmp_path_factory):
    root = tmp_path_factory.mktemp("demo-index")
    kit = load_brand_kit(DEMO_KIT)
    terms = {kit.name} | {d.title for d in kit.documents if d.type == "product_fact"}
    terms.update(p for d in kit.documents for p in d.products)
    index = KnowledgeIndex(open_persistent_client(root / "chroma"), HashingEmbedder(), root / "data")
    index.sync_brand(kit.slug, kit.documents, extra_terms=sorted(terms))
    return kit.slug, index


def test_hybrid_search_meets_the_quality_floor_on_the_demo_set(demo_index):
    slug, index = demo_index
    result = evaluate(index, slug, load_queries(QUERIES), k=5)
    hybrid, bm25, vector = result["hybrid"], result["bm25"], result["vector"]
    assert result["queries"] == 64
    assert hybrid["recall@5"] >= 0.95 and hybrid["mrr"] >= 0.85, result
    for single in (bm25, vector):
        assert hybrid["recall@5"] >= single["recall@5"] and hybrid["mrr"] >= single["mrr"], result


def test_near_duplicates_are_told_apart_by_years_and_names(demo_index):
    slug, index = demo_index

    def top(query):
        return [h.doc_id for h in index.search(slug, query, k=5)][0]

    assert top("2021年那款白牡丹泡出来的汤是什么颜色") in {"product-bm-2021", "BM-2021"}
    assert top("2024年的白牡丹泡出来的汤是什么颜色") in {"product-bm-2024", "BM-2024"}
    assert top("三坊七巷店几点关门") == "store-fz-sanfang"
    assert top("东街口店几点关门") == "store-fz-dongjiekou"


def test_search_returns_distinct_documents_first(index):
    long_text = "\n\n".join(f"## 第{i}节\n\n" + "白茶存放要避光防潮，放在阴凉干燥处。" * 8 for i in range(4))
    docs = [Document("care", "faq", "存茶", long_text, None, None, "care.md", [], "1"),
            Document("short", "faq", "白茶存放", "白茶存放：避光、防潮。", None, None, "short.md", [], "1")]
    index.sync_brand("demo", docs)
    hits = index.search("demo", "白茶怎么存放避光防潮", k=4)
    assert {h.doc_id for h in hits[:2]} == {"care", "short"}
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    assert len(hits) == 4 and len({h.chunk_id for h in hits}) == 4


def test_a_custom_reranker_can_replace_the_default(index):
    from knowledge.rerank import Reranker

    class Reverse:
        needs_text = True

        def __init__(self):
            self.seen = []

        def rerank(self, query, candidates, corpus):
            self.seen = [(c.doc_id, bool(c.text)) for c in candidates]
            return [float(i) for i in range(len(candidates))]  # prefers the first stage's last

    reranker = Reverse()
    assert isinstance(reranker, Reranker)
    index.sync_brand("demo", [Document("a", "faq", "发货", "下单后48小时内发货。", None, None, "a.md", [], "1"),
                              Document("b", "faq", "退货", "拆封后不支持无理由退货，发货前可取消。", None, None, "b.md", [],
                                       "1")])
    plain = [h.doc_id for h in KnowledgeIndex(index.client, index.embedder, index.data_dir, reranker=None)
             .search("demo", "什么时候发货", k=2)]
    index.reranker, index.weights = reranker, {"rerank": 100.0}
    assert [h.doc_id for h in index.search("demo", "什么时候发货", k=2)] == plain[::-1]
    assert all(has_text for _, has_text in reranker.seen)


# ---- the CLI -------------------------------------------------------------------------------------

def test_eval_command_prints_the_metrics_as_json(runner, demo_brand, tmp_path):
    path = write_lines(tmp_path / "q.jsonl",
                       '{"id": "q1", "query": "三坊七巷那家店晚上几点关门", "relevant": ["store-fz-sanfang"]}',
                       '{"id": "q2", "query": "2021年那款白牡丹多少钱", "relevant": ["product-bm-2021", "BM-2021"]}')
    result = runner.invoke(args=["knowledge", "eval", str(path), "--brand", "chayun", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert set(data) == {"queries", "hybrid", "bm25", "vector"} and data["queries"] == 2
    for name in ("hybrid", "bm25", "vector"):
        assert set(data[name]) == METRICS
        assert all(isinstance(v, (int, float)) for v in data[name].values())
    assert data["hybrid"]["recall@5"] == 1.0
    table = runner.invoke(args=["knowledge", "eval", str(path), "--brand", "chayun", "-k", "3"])
    assert table.exit_code == 0 and "recall@3" in table.output and "hybrid" in table.output


def test_eval_command_fails_cleanly_on_unknown_brand_and_bad_file(runner, app, tmp_path):
    good = write_lines(tmp_path / "q.jsonl", '{"id": "q1", "query": "发货", "relevant": ["ship"]}')
    result = runner.invoke(args=["knowledge", "eval", str(good), "--brand", "nobody", "--json"])
    assert result.exit_code == 1 and "nobody" in result.stderr and result.stdout == ""
    bad = write_lines(tmp_path / "bad.jsonl", '{"id": "q1", "query": "发货", "relevant": ["ship"]}',
                      '{"id": "q2", "query": "退货"}')
    result = runner.invoke(args=["knowledge", "eval", str(bad), "--brand", "nobody", "--json"])
    assert result.exit_code == 1 and "bad.jsonl line 2" in result.stderr and result.stdout == ""
