"""Ranking signals: numerals and short years in the tokenizer, query IDF, the lexical reranker."""

import numpy as np

from knowledge import HashingEmbedder
from knowledge.bm25 import BM25Index, chinese_number, is_specific, tokenize
from knowledge.embeddings import _hash, feature_document_frequencies
from knowledge.loaders import Document
from knowledge.rerank import Candidate, LexicalCorpus, LexicalOverlapReranker


def test_chinese_numerals_before_units_also_yield_digits():
    assert "60" in tokenize("树龄六十多年的老枞") and "10" in tokenize("十小袋装")
    assert "250" in tokenize("两百五十克") and "5" in tokenize("下午五点")
    assert not any(t.isdigit() for t in tokenize("一起喝茶，统一发货"))
    assert (chinese_number("二〇二四"), chinese_number("十二"), chinese_number("一百零五")) == (2024, 12, 105)


def test_two_digit_years_also_yield_the_full_year():
    assert "2021" in tokenize("21年那批白牡丹") and "2024" in tokenize("24 年春茶")
    assert "2012" not in tokenize("2012年创立") or tokenize("2012年创立").count("2012") == 1


def test_specific_tokens_are_numbers_and_latin():
    assert is_specific("2021") and is_specific("bm") and not is_specific("三坊七巷")


def test_feature_document_frequencies_count_texts_not_occurrences():
    embedder = HashingEmbedder()
    keys, counts = feature_document_frequencies(embedder, ["白茶白茶白茶", "白茶", "红茶"])
    lookup = dict(zip(keys.tolist(), counts.tolist()))
    assert lookup[_hash("白茶")] == 2 and lookup[_hash("茶")] == 3 and lookup[_hash("红")] == 1
    assert np.all(np.diff(keys.astype(np.int64)) > 0)


def test_reranker_prefers_the_edition_and_store_named_in_the_query():
    texts = ["福鼎白牡丹·2021陈藏\n2021年春茶，存放五年，适合煮饮。",
             "福鼎白牡丹·2024春\n2024年春茶，清甜鲜爽，冲泡用90℃。",
             "福州三坊七巷店\n每天9:00至21:00营业。",
             "福州东街口店\n每天10:00至22:00营业。"]
    bm25 = BM25Index.build(texts)
    ids = np.array(["bm-2021", "bm-2024", "sanfang", "dongjiekou"])
    corpus = LexicalCorpus(bm25, ids, np.array([t.split("\n")[0] for t in texts]))
    reranker = LexicalOverlapReranker()

    def ranked(query):
        cands = [Candidate(doc, 0.5, None, None, [f"{doc}#0"]) for doc in ids.tolist()]
        scores = reranker.rerank(query, cands, corpus)
        return [c.doc_id for _, c in sorted(zip(scores, cands), key=lambda p: -p[0])]

    assert ranked("21年那款白牡丹能煮着喝吗")[0] == "bm-2021"
    assert ranked("2024年的白牡丹用多少度水")[0] == "bm-2024"
    assert ranked("三坊七巷那家几点关门")[0] == "sanfang"
    assert ranked("东街口那家几点关门")[0] == "dongjiekou"


def test_query_idf_weighting_keeps_unchanged_documents_untouched(index):
    docs = [Document(f"d{i}", "faq", f"标题{i}", f"第{i}条：白茶常温避光保存，编号{i}。", None, None, f"d{i}.md", [], "1")
            for i in range(5)]
    index.sync_brand("demo", docs)
    extra = Document("x", "faq", "新品", "新品金骏眉上市。", None, None, "x.md", [], "1")
    summary = index.sync_brand("demo", docs + [extra])
    assert summary["chunks_written"] == 1
    assert [h.doc_id for h in index.search_vector("demo", "金骏眉", k=1)] == ["x"]
    assert [h.doc_id for h in index.search("demo", "编号3的白茶", k=1)] == ["d3"]
