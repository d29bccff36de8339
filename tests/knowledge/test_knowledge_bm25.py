"""BM25 scoring and persistence."""

import time

import numpy as np

from knowledge.bm25 import BM25Index, add_words, load_arrays, save_arrays, tokenize

TEXTS = [
    "白牡丹建议用90℃的水冲泡，盖碗投茶5克。",
    "大红袍要用100℃沸水冲泡，出汤要快。",
    "会员日每月8号，全场满199减30。",
    "下单后48小时内从福州发货，默认顺丰。",
]


def test_tokenizer_drops_punctuation_whitespace_and_stopwords():
    tokens = tokenize("这是 白牡丹的，冲泡方法！")
    assert "，" not in tokens and " " not in tokens and "！" not in tokens
    assert "的" not in tokens and "是" not in tokens
    assert {"牡丹", "白牡丹", "冲泡", "方法", "泡"} <= set(tokens)


def test_added_brand_terms_stay_whole():
    # A made-up name no other test adds: jieba's dictionary is shared by the whole process.
    term = "岚霁栖茶舍"
    assert term not in tokenize(f"欢迎来到{term}")
    add_words([term])
    assert term in tokenize(f"欢迎来到{term}")


def test_best_matching_text_ranks_first():
    index = BM25Index.build(TEXTS)
    assert [i for i, _ in index.search("大红袍用多少度的水", k=2)][0] == 1
    assert [i for i, _ in index.search("什么时候发货", k=4)][0] == 3


def test_rare_terms_weigh_more_than_common_ones():
    index = BM25Index.build(["冲泡 白牡丹", "冲泡 大红袍", "冲泡 金骏眉", "冲泡 白牡丹 大红袍"])
    scores = index.scores("金骏眉")
    assert scores[2] > 0 and scores[[0, 1, 3]].max() == 0
    assert index.idf[index.term_index["金骏眉"]] > index.idf[index.term_index["冲泡"]]


def test_mask_excludes_rows_and_unknown_terms_score_nothing():
    index = BM25Index.build(TEXTS)
    assert index.search("冲泡", k=4, mask=np.array([False, True, True, True]))[0][0] == 1
    assert index.search("量子力学", k=4) == []


def test_index_survives_a_round_trip_through_a_file_without_pickle(tmp_path):
    index = BM25Index.build(TEXTS, extra_terms=["满199减30"])
    save_arrays(tmp_path / "bm25.npz", index.arrays())
    loaded = BM25Index.from_arrays(load_arrays(tmp_path / "bm25.npz"))
    assert np.allclose(loaded.scores("满199减30会员日"), index.scores("满199减30会员日"))
    assert loaded.extra_terms == ["满199减30"]
    assert [p.name for p in tmp_path.iterdir()] == ["bm25.npz"], "no temp file may be left behind"


def test_scoring_fifty_thousand_chunks_takes_milliseconds():
    n_docs, n_terms = 50_000, 5_000
    # Term t occurs in every (1 + t % 1000)-th chunk: document frequencies from 50k down to 50.
    postings = [np.arange(t % 50, n_docs, 1 + t % 1000, dtype=np.int32) for t in range(n_terms)]
    starts = np.concatenate([[0], np.cumsum([len(p) for p in postings])]).astype(np.int64)
    positions = np.concatenate(postings)
    lengths = np.bincount(positions, minlength=n_docs).astype(np.float32)
    index = BM25Index([f"t{i}" for i in range(n_terms)], starts, positions,
                      np.ones(len(positions), dtype=np.float32), lengths)
    index.search("t1 t2 t3 t50 t700", k=50)
    start = time.perf_counter()
    for _ in range(10):
        hits = index.search("t1 t2 t3 t50 t700", k=50)
    assert len(hits) == 50
    assert (time.perf_counter() - start) / 10 < 0.05
