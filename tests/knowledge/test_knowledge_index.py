"""The per-brand hybrid index over a real Chroma PersistentClient."""

import socket
from dataclasses import replace
from datetime import date

import pytest

from knowledge import EmbedderMismatch, HashingEmbedder, KnowledgeIndex, open_persistent_client
from knowledge.loaders import Document


def doc(doc_id, text, *, doc_type="faq", title=None, valid_from=None, valid_to=None, version="1"):
    return Document(doc_id, doc_type, title or doc_id, text, valid_from, valid_to, f"knowledge/{doc_id}.md",
                    [], f"{doc_id}-{version}")


TEA_DOCS = [
    doc("brew", "建议90℃冲泡，盖碗投茶5克，第一泡出汤15秒。", doc_type="product_fact", title="白牡丹冲泡建议"),
    doc("ship", "下单后48小时内从福州发货，默认顺丰，江浙沪次日达。", title="发货与物流"),
    doc("member", "每月8号会员日，全场满199减30，积分双倍。", doc_type="campaign", title="会员日"),
    doc("story", "创始人在福鼎长大，祖父和父亲都是茶农，2012年回乡创立品牌。", doc_type="brand_story",
        title="品牌故事"),
    doc("store", "三坊七巷店每天9点到21点营业，节假日照常。", title="门店营业时间"),
    doc("refund", "茶叶拆封后不支持无理由退货，质量问题7天内包退。", title="退换货"),
]

LONG_TEXT = "\n\n".join(f"## 第{i}节\n\n" + f"第{i}节的内容讲白茶的存放方法，要避光防潮。" * 6 for i in range(5))


def ids(hits):
    return [h.doc_id for h in hits]


def test_sync_then_search_returns_chunk_hits_with_metadata(index):
    summary = index.sync_brand("demo", TEA_DOCS)
    assert summary["documents"] == 6 and summary["chunks"] == 6 and summary["chunks_written"] == 6
    hits = index.search("demo", "什么时候发货", k=3)
    top = hits[0]
    assert (top.doc_id, top.chunk_id, top.title, top.type) == ("ship", "ship#0", "发货与物流", "faq")
    assert top.text == TEA_DOCS[1].text
    assert top.vector_rank == 1 and top.bm25_rank == 1
    # Hybrid scores blend per-list normalized vector/BM25 scores with the reranker's: within [0, 1].
    assert 0.0 < top.score <= 1.0
    assert top.metadata["brand"] == "demo" and top.metadata["source"] == "knowledge/ship.md"
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


def test_paraphrased_chinese_query_finds_the_fact(index):
    index.sync_brand("demo", TEA_DOCS)
    assert "brew" in ids(index.search("demo", "泡那款茶要多热的水", k=3))
    assert ids(index.search("demo", "白牡丹用多少度的水泡", k=1)) == ["brew"]
    # The lexical side is what bridges the paraphrase ("泡" inside "冲泡").
    assert ids(index.search_bm25("demo", "泡那款茶要多热的水", k=1)) == ["brew"]


def test_resync_of_unchanged_documents_touches_nothing(index):
    index.sync_brand("demo", TEA_DOCS)
    again = index.sync_brand("demo", TEA_DOCS)
    assert again["unchanged"] == 6 and again["chunks_written"] == 0 and again["chunks_deleted"] == 0
    assert again["chunks"] == 6


def test_changed_document_is_re_embedded(index):
    index.sync_brand("demo", TEA_DOCS)
    changed = replace(TEA_DOCS[1], text="现在改为下单后24小时内发货。", checksum="ship-2")
    summary = index.sync_brand("demo", [changed] + TEA_DOCS[2:] + TEA_DOCS[:1])
    assert summary["changed"] == 1 and summary["chunks_written"] == 1
    assert index.chunks_of("demo", "ship")[0]["text"] == "现在改为下单后24小时内发货。"
    assert ids(index.search_bm25("demo", "24小时", k=1)) == ["ship"]


def test_reimport_removes_chunks_of_deleted_documents(index):
    index.sync_brand("demo", TEA_DOCS)
    summary = index.sync_brand("demo", [d for d in TEA_DOCS if d.doc_id != "refund"])
    assert summary["removed"] == 1 and summary["chunks"] == 5
    assert index.chunks_of("demo", "refund") == []
    assert "refund" not in ids(index.search("demo", "拆封后可以退货吗", k=10))
    assert "refund" not in ids(index.search_bm25("demo", "退货", k=10))


def test_document_with_fewer_chunks_leaves_no_leftover_chunks(index):
    long_doc = doc("care", LONG_TEXT, doc_type="brand_story", title="存茶")
    index.sync_brand("demo", [long_doc])
    before = [c["chunk_id"] for c in index.chunks_of("demo", "care")]
    assert len(before) >= 3
    index.sync_brand("demo", [replace(long_doc, text="白茶避光防潮即可。", checksum="care-2")])
    after = index.chunks_of("demo", "care")
    assert [c["chunk_id"] for c in after] == ["care#0"] and index.count("demo") == 1


def test_chunks_of_lists_a_documents_chunks_in_order_with_metadata(index):
    campaign = doc("winter", LONG_TEXT, doc_type="campaign", title="冬日", valid_from=date(2025, 11, 1),
                   valid_to=date(2025, 12, 31))
    index.sync_brand("demo", [replace(campaign, products=["BM-2024", "SM-2019"])])
    chunks = index.chunks_of("demo", "winter")
    assert [c["metadata"]["chunk"] for c in chunks] == list(range(len(chunks)))
    meta = chunks[0]["metadata"]
    assert meta["valid_from"] == "2025-11-01" and meta["valid_to"] == "2025-12-31"
    assert meta["products"] == "BM-2024,SM-2019" and meta["type"] == "campaign"
    assert meta["checksum"] == "winter-1"
    assert chunks[1]["text"].startswith("第1节\n")


def test_brand_cannot_see_another_brands_chunks(index):
    index.sync_brand("tea-a", TEA_DOCS)
    index.sync_brand("tea-b", [doc("coffee", "我们的咖啡豆来自云南保山，每周烘焙。")])
    assert set(ids(index.search("tea-b", "什么时候发货 白牡丹 会员日", k=10))) <= {"coffee"}
    assert index.search_bm25("tea-b", "发货 白牡丹 会员日", k=10) == []
    assert all(h.metadata["brand"] == "tea-b" for h in index.search("tea-b", "白牡丹 发货 会员日", k=10))
    assert "coffee" not in ids(index.search("tea-a", "咖啡豆 云南保山 烘焙", k=10))
    assert index.search("unknown-brand", "发货") == []


def test_expired_campaign_is_not_retrieved_on_a_later_date(index):
    winter = doc("winter-sale", "冬日品鉴会：全场满199减30，送暖手茶包。", doc_type="campaign",
                 valid_from=date(2025, 11, 1), valid_to=date(2025, 12, 31))
    index.sync_brand("demo", TEA_DOCS + [winter])
    query = "冬日品鉴会有什么优惠"
    assert "winter-sale" in ids(index.search("demo", query, k=3, on_date=date(2025, 12, 1)))
    for day in (date(2026, 1, 5), date(2025, 10, 1)):
        assert "winter-sale" not in ids(index.search("demo", query, k=10, on_date=day))
        assert "winter-sale" not in ids(index.search_bm25("demo", query, k=10, on_date=day))
    assert "winter-sale" in ids(index.search("demo", query, k=3))


def test_type_and_document_filters_apply_to_both_retrievers(index):
    index.sync_brand("demo", TEA_DOCS)
    only_faq = index.search("demo", "白牡丹冲泡 会员日 发货 退货", k=10, types=["faq"])
    assert set(ids(only_faq)) <= {"ship", "store", "refund"} and only_faq
    assert ids(index.search("demo", "发货", k=10, doc_ids=["member"])) in (["member"], [])
    assert index.search("demo", "发货", k=10, types=[]) == []


def test_query_with_other_embedder_asks_for_reindex(index, chroma_client, tmp_path):
    index.sync_brand("demo", TEA_DOCS)
    other = KnowledgeIndex(chroma_client, HashingEmbedder(dim=256), tmp_path / "data")
    with pytest.raises(EmbedderMismatch, match="re-index the brand") as caught:
        other.search("demo", "发货")
    assert "'hashing-char-ngram-v1-512'" in str(caught.value)
    assert "'hashing-char-ngram-v1-256'" in str(caught.value)
    with pytest.raises(EmbedderMismatch):
        other.sync_brand("demo", TEA_DOCS)
    assert other.sync_brand("demo", TEA_DOCS, reindex=True)["chunks"] == 6
    assert ids(other.search("demo", "什么时候发货", k=1)) == ["ship"]
    with pytest.raises(EmbedderMismatch):
        index.search("demo", "发货")


def test_collection_uses_cosine_space_and_no_embedding_function(index, chroma_client):
    index.sync_brand("demo-tea", TEA_DOCS)
    collection = chroma_client.get_collection("brand_demo_tea", embedding_function=None)
    assert collection.configuration["hnsw"]["space"] == "cosine"
    assert collection.configuration["embedding_function"] is None
    assert collection.metadata["embedder"] == "hashing-char-ngram-v1-512"


def test_another_process_resync_is_seen_by_a_running_searcher(tmp_path):
    writer = KnowledgeIndex(open_persistent_client(tmp_path / "chroma"), HashingEmbedder(), tmp_path / "data")
    reader = KnowledgeIndex(open_persistent_client(tmp_path / "chroma"), HashingEmbedder(), tmp_path / "data")
    writer.sync_brand("demo", TEA_DOCS[:2])
    assert ids(reader.search_bm25("demo", "积分双倍", k=5)) == []
    writer.sync_brand("demo", TEA_DOCS)
    assert ids(reader.search_bm25("demo", "积分双倍", k=1)) == ["member"]


def test_lost_bm25_file_is_rebuilt_from_chroma(index, tmp_path):
    index.sync_brand("demo", TEA_DOCS)
    for path in (tmp_path / "data").iterdir():
        path.unlink()
    fresh = KnowledgeIndex(index.client, index.embedder, tmp_path / "data")
    assert ids(fresh.search_bm25("demo", "退货", k=1)) == ["refund"]
    assert (tmp_path / "data" / "bm25-demo.npz").exists()


def test_delete_brand_removes_its_chunks_and_bm25_file(index, tmp_path):
    index.sync_brand("demo", TEA_DOCS)
    index.delete_brand("demo")
    assert index.count("demo") == 0 and index.search("demo", "发货") == []
    assert not (tmp_path / "data" / "bm25-demo.npz").exists()


def test_single_retriever_searches_return_ranked_hits(index):
    index.sync_brand("demo", TEA_DOCS)
    vector = index.search_vector("demo", "什么时候发货", k=3)
    bm25 = index.search_bm25("demo", "什么时候发货", k=3)
    assert vector[0].doc_id == "ship" and vector[0].vector_rank == 1 and vector[0].bm25_rank is None
    assert vector[0].score == vector[0].vector_score and -1.0 <= vector[0].score <= 1.0
    assert bm25[0].doc_id == "ship" and bm25[0].bm25_rank == 1 and bm25[0].vector_rank is None
    assert bm25[0].text == TEA_DOCS[1].text and bm25[0].title == "发货与物流"


def test_nothing_is_downloaded_or_fetched_over_the_network(tmp_path, monkeypatch):
    from chromadb.utils.embedding_functions import onnx_mini_lm_l6_v2

    model_dir = tmp_path / "onnx_models"
    monkeypatch.setattr(onnx_mini_lm_l6_v2.ONNXMiniLM_L6_V2, "DOWNLOAD_PATH", model_dir)

    def refuse(*args, **kwargs):
        raise AssertionError("a network connection or model download was attempted")

    monkeypatch.setattr(onnx_mini_lm_l6_v2.ONNXMiniLM_L6_V2, "__call__", refuse)
    monkeypatch.setattr(onnx_mini_lm_l6_v2.ONNXMiniLM_L6_V2, "_download_model_if_not_exists", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)

    index = KnowledgeIndex(open_persistent_client(tmp_path / "chroma"), HashingEmbedder(), tmp_path / "data")
    index.sync_brand("demo", TEA_DOCS)
    assert ids(index.search("demo", "什么时候发货", k=1)) == ["ship"]
    reopened = KnowledgeIndex(open_persistent_client(tmp_path / "chroma"), HashingEmbedder(),
                              tmp_path / "data")
    assert ids(reopened.search("demo", "会员日有什么优惠", k=1)) == ["member"]
    assert not model_dir.exists()
