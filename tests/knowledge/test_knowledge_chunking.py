"""Splitting documents into chunks."""

import re

from knowledge import chunk_document, split_into_chunks
from knowledge.loaders import Document

SENTENCES = [f"第{i}句话讲的是白茶的第{i}个知识点，内容要足够长才能凑满一个块。" for i in range(1, 25)]


def doc(text: str, doc_type: str = "brand_story", source: str = "knowledge/a.md") -> Document:
    return Document("a", doc_type, "标题", text, None, None, source, [], "x")


def test_short_document_is_one_chunk():
    text = "# 标题\n\n只有一句话。"
    assert split_into_chunks(text) == [text]


def test_chunks_do_not_split_chinese_sentences():
    chunks = split_into_chunks("".join(SENTENCES), max_chars=120, overlap_chars=0)
    assert len(chunks) > 3
    assert all(len(c) <= 120 for c in chunks)
    for chunk in chunks:
        assert chunk.endswith("。")
        assert all(piece + "。" in SENTENCES for piece in chunk.split("。")[:-1])
    assert "".join(chunks) == "".join(SENTENCES)


def test_chunk_never_spans_two_headings_and_carries_heading_path():
    text = ("# 茶园\n\n## 福鼎\n\n" + "".join(SENTENCES[:6]) + "\n\n## 武夷山\n\n" + "".join(SENTENCES[6:12]))
    chunks = split_into_chunks(text, max_chars=150, overlap_chars=0)
    fuding = [c for c in chunks if c.startswith("茶园 > 福鼎\n")]
    wuyi = [c for c in chunks if c.startswith("茶园 > 武夷山\n")]
    assert len(fuding) + len(wuyi) == len(chunks) and fuding and wuyi
    assert all(SENTENCES[6] not in c for c in fuding) and all(SENTENCES[5] not in c for c in wuyi)
    assert all(len(c) <= 150 for c in chunks)


def test_next_chunk_starts_with_last_sentence_of_previous_within_overlap():
    short = [f"短句{i}。" for i in range(60)]
    chunks = split_into_chunks("".join(short), max_chars=60, overlap_chars=12)
    assert len(chunks) > 2
    for previous, following in zip(chunks, chunks[1:]):
        sentences = re.findall(r"[^。]+。", previous)
        overlap = ""
        while sentences and len(sentences[-1] + overlap) <= 12:
            overlap = sentences.pop() + overlap
        assert overlap and following.startswith(overlap)
        assert not following.startswith(sentences[-1] + overlap)
        assert len(following) <= 60


def test_overlong_sentence_is_cut_hard():
    chunks = split_into_chunks("长" * 700 + "。", max_chars=320, overlap_chars=40)
    assert [len(c) for c in chunks] == [320, 320, 61]


def test_paragraphs_and_list_items_are_kept_whole_when_they_fit():
    items = [f"- 第{i}条：{'茶' * 40}。" for i in range(8)]
    chunks = split_into_chunks("\n".join(items), max_chars=120, overlap_chars=0)
    for chunk in chunks:
        assert all(line in items for line in chunk.split("\n"))


def test_faq_question_and_answer_stay_together():
    pairs = [f"### 问：第{i}个问题是什么？\n\n答：{'这是回答。' * 8}" for i in range(6)]
    chunks = chunk_document(doc("## 常见问题\n\n" + "\n\n".join(pairs), "faq"), max_chars=120)
    assert len(chunks) == 6
    for i, chunk in enumerate(chunks):
        assert chunk.startswith(f"常见问题 > 问：第{i}个问题是什么？\n答：")


def test_plain_faq_pairs_without_headings_stay_together():
    pairs = [f"Q：第{i}个问题？\n\nA：{'回答内容。' * 6}" for i in range(6)]
    chunks = chunk_document(doc("\n\n".join(pairs), "faq"), max_chars=90)
    assert all(c.count("Q：") == c.count("A：") >= 1 for c in chunks)


def test_csv_product_row_is_never_split():
    row = "\n".join(f"字段{i}：{'值' * 30}" for i in range(20))
    assert chunk_document(doc(row, "product_fact", "knowledge/products.csv")) == [row]
    assert len(chunk_document(doc(row, "product_fact", "knowledge/p.md"))) > 1


def test_chunking_is_deterministic():
    text = "# 标题\n\n" + "\n\n".join("".join(SENTENCES[i:i + 5]) for i in range(0, 24, 5))
    assert split_into_chunks(text) == split_into_chunks(text)


def test_every_sentence_survives_chunking():
    text = "# 甲\n\n" + "".join(SENTENCES[:10]) + "\n\n# 乙\n\n" + "\n".join(SENTENCES[10:])
    joined = "".join(split_into_chunks(text, max_chars=100, overlap_chars=30))
    assert all(sentence in joined for sentence in SENTENCES)
