"""Embedders."""

import base64
import json
import os
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import numpy as np
import pytest

from knowledge import Embedder, HashingEmbedder, OpenAIEmbedder, make_embedder

ROOT = Path(__file__).resolve().parents[2]


def test_hashing_vectors_are_unit_length_with_the_configured_dim():
    vectors = np.array(HashingEmbedder(dim=256).embed_documents(["白牡丹要用90℃的水冲泡。", "会员日满199减30"]))
    assert vectors.shape == (2, 256)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_similar_texts_are_closer_than_unrelated_ones():
    embedder = HashingEmbedder()
    query = np.array(embedder.embed_query("白牡丹怎么冲泡"))
    near, far = np.array(embedder.embed_documents(["白牡丹的冲泡方法：90℃热水", "顺丰包邮，次日送达"]))
    assert query @ near > query @ far + 0.1


def test_query_and_document_embeddings_agree_and_ignore_case_width_and_punctuation():
    embedder = HashingEmbedder()
    assert embedder.embed_query("ＡＢＣ 白茶！") == embedder.embed_documents(["abc白茶"])[0]


def test_text_without_features_embeds_to_zero_vector():
    assert not any(HashingEmbedder().embed_query(" ，。！"))


def test_hashing_is_stable_across_processes_with_different_hash_seeds():
    code = "from knowledge import HashingEmbedder; print(HashingEmbedder().embed_query('小茶推荐白牡丹')[:64])"
    outputs = set()
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(ROOT)}
        result = subprocess.run([sys.executable, "-W", "ignore", "-c", code], cwd=ROOT, env=env,
                                capture_output=True, text=True, check=True)
        outputs.add(result.stdout)
    assert outputs == {str(HashingEmbedder().embed_query("小茶推荐白牡丹")[:64]) + "\n"}


def test_hashing_embedder_embeds_a_thousand_chunks_quickly():
    texts = [f"第{i}号茶品：产自福鼎磻溪，{'毫香蜜韵，汤色杏黄，适合用盖碗冲泡。' * 12}" for i in range(1000)]
    start = time.perf_counter()
    matrix = HashingEmbedder().embed_matrix(texts)
    assert matrix.shape == (1000, 512)
    assert time.perf_counter() - start < 5.0


def test_make_embedder_understands_specs():
    assert make_embedder("hashing").name == "hashing-char-ngram-v1-512"
    assert make_embedder("hashing:128").name == "hashing-char-ngram-v1-128"
    embedder = make_embedder("openai:bge-m3", base_url="http://127.0.0.1:9/v1", api_key="k")
    assert isinstance(embedder, OpenAIEmbedder) and embedder.name == "openai:bge-m3"
    assert isinstance(embedder, Embedder)
    with pytest.raises(ValueError, match="unknown embedder"):
        make_embedder("word2vec")


class _FakeEmbeddingsAPI(BaseHTTPRequestHandler):
    """Answers POST /v1/embeddings with vectors derived from the input's length."""

    requests: list = []

    def do_POST(self):
        payload = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).requests.append((self.path, payload))
        data = []
        for i, text in enumerate(payload["input"]):
            vector = np.array([len(text), 1.0, 0.0], dtype=np.float32)
            if payload.get("encoding_format") == "base64":
                embedding = base64.b64encode(vector.tobytes()).decode()
            else:
                embedding = vector.tolist()
            data.append({"object": "embedding", "index": i, "embedding": embedding})
        body = json.dumps({"object": "list", "data": data, "model": payload["model"],
                           "usage": {"prompt_tokens": 1, "total_tokens": 1}}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_openai_embedder_sends_raw_texts_to_the_configured_endpoint():
    server = HTTPServer(("127.0.0.1", 0), _FakeEmbeddingsAPI)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        embedder = OpenAIEmbedder(base_url=f"http://127.0.0.1:{server.server_port}/v1", api_key="k",
                                  model="bge-m3")
        vectors = embedder.embed_documents(["白茶", "岩茶大红袍"])
        query = embedder.embed_query("红茶")
    finally:
        server.shutdown()
    assert [v[0] for v in vectors] == [2.0, 5.0] and query[0] == 2.0
    path, payload = _FakeEmbeddingsAPI.requests[0]
    assert path == "/v1/embeddings" and payload["model"] == "bge-m3"
    assert payload["input"] == ["白茶", "岩茶大红袍"], "texts must not be pre-tokenized"
