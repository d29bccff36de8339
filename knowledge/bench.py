"""Benchmark: ingest and hybrid-search a synthetic brand of ~N chunks.

    python -m knowledge.bench --chunks 50000 --json

Generates brand-like Chinese documents (products with editions and prices, stores in several cities,
campaigns by year and season, FAQs full of numbers), indexes them into Chroma + BM25 in a temporary
folder, then times hybrid searches over ~200 generated queries. Prints chunks, ingest_chunks_per_s,
index_mb, search_p50_ms, search_p95_ms and peak_rss_mb.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

from .embeddings import HashingEmbedder
from .index import KnowledgeIndex, open_persistent_client
from .loaders import Document

CITIES = ["福州", "厦门", "泉州", "杭州", "上海", "广州", "深圳", "成都", "北京", "南京", "苏州", "武汉"]
DISTRICTS = ["鼓楼区", "思明区", "西湖区", "天河区", "南山区", "锦江区", "朝阳区", "玄武区", "姑苏区", "江汉区"]
STREETS = ["南后街", "中山路", "解放路", "人民路", "文化路", "青年路", "滨江路", "建设路", "和平里", "春熙路"]
MALLS = ["万象城", "万达广场", "银泰中心", "大悦城", "来福士", "太古里", "国贸中心", "宝龙广场"]
TEAS = ["白牡丹", "白毫银针", "寿眉", "大红袍", "肉桂", "水仙", "正山小种", "金骏眉", "铁观音", "凤凰单丛",
        "龙井", "碧螺春", "普洱", "滇红", "茉莉花茶", "六堡茶"]
ORIGINS = ["福鼎磻溪", "武夷山星村", "安溪祥华", "潮州凤凰山", "杭州龙坞", "苏州东山", "云南勐海", "广西梧州"]
NOTES = ["毫香", "蜜香", "枣香", "兰花香", "桂皮香", "岩韵", "松烟香", "花果香", "栗香", "陈香", "奶香", "回甘"]
SEASONS = [("春", 3), ("夏", 6), ("秋", 9), ("冬", 12)]
PACKS = ["铁罐", "纸袋", "陶罐", "小泡袋", "礼盒", "茶饼"]
TOPICS = ["发货", "退换货", "会员积分", "发票", "定制礼盒", "储存", "冲泡", "团购", "自提", "售后"]


def generate_documents(target_chunks: int, seed: int = 7) -> list[Document]:
    """Documents of roughly one chunk each (a few longer ones) until about target_chunks chunks."""
    rng = random.Random(seed)
    makers = [_product, _store, _campaign, _faq]
    docs: list[Document] = []
    chunks = 0
    while chunks < target_chunks:
        maker = makers[len(docs) % len(makers)]
        doc_id, doc_type, title, body = maker(rng, len(docs))
        docs.append(Document(doc_id, doc_type, title, body, None, None, f"knowledge/{doc_id}.md", [],
                             f"{doc_id}-v1"))
        chunks += max(1, len(body) // 300 + (1 if len(body) % 300 > 120 else 0))
    return docs


def _product(rng: random.Random, n: int):
    tea, year = rng.choice(TEAS), rng.randint(2015, 2026)
    sku = f"P{n:06d}-{year}"
    title = f"{rng.choice(ORIGINS)}{tea}·{year}（{sku}）"
    body = (f"货号{sku}，{year}年{rng.randint(3, 5)}月采制，产地{rng.choice(ORIGINS)}。规格{rng.choice([50, 80, 100, 357])}克"
            f"{rng.choice(PACKS)}装，售价{rng.randint(88, 988)}元。建议{rng.choice([85, 90, 95, 100])}℃水温冲泡，"
            f"盖碗投茶{rng.randint(3, 8)}克，首泡出汤{rng.choice([5, 10, 15, 20])}秒，可泡{rng.randint(5, 12)}泡。"
            f"口感：{rng.choice(NOTES)}明显，带{rng.choice(NOTES)}，汤色明亮。开封后{rng.randint(1, 12)}个月内喝完，"
            f"常温避光密封，湿度{rng.randint(50, 70)}%以下。")
    return f"product-{n}", "product_fact", title, body


def _store(rng: random.Random, n: int):
    city, street = rng.choice(CITIES), rng.choice(STREETS)
    name = f"{city}{street}{n % 97}号店"
    body = (f"## 门店概况\n\n{name}位于{city}{rng.choice(DISTRICTS)}{street}{rng.randint(1, 300)}号"
            f"{rng.choice(MALLS)}{rng.choice(['B1', 'L1', 'L2', 'L3'])}层，{rng.randint(2012, 2025)}年开业，"
            f"面积约{rng.randint(30, 300)}平方米。\n\n### 问：几点营业？\n答：每天{rng.randint(8, 10)}:00至"
            f"{rng.randint(20, 22)}:00营业，电话0{rng.randint(10, 99)}-{rng.randint(10000000, 99999999)}。\n\n"
            f"### 问：怎么去？\n答：乘地铁{rng.randint(1, 9)}号线到{street}站，从{rng.choice('ABCDE')}口出站步行"
            f"约{rng.randint(2, 15)}分钟；停车满{rng.choice([100, 200, 300])}元免费{rng.randint(1, 3)}小时。")
    return f"store-{n}", "faq", f"{name}门店信息", body


def _campaign(rng: random.Random, n: int):
    year, (season, month) = rng.randint(2020, 2027), rng.choice(SEASONS)
    tea = rng.choice(TEAS)
    title = f"{year}{season}季{tea}品鉴会（第{n}期）"
    body = (f"## 活动时间\n\n{year}年{month}月{rng.randint(1, 28)}日起，每周{rng.choice('一二三四五六日')}"
            f"{rng.randint(14, 21)}:00在群内举办，共{rng.randint(4, 12)}场。\n\n## 福利\n\n活动礼盒含{tea}"
            f"{rng.choice([25, 50, 100])}克，日常价{rng.randint(200, 600)}元，会员价{rng.randint(150, 500)}元；"
            f"打卡满{rng.randint(3, 8)}次送{rng.choice(TEAS)}小罐{rng.choice([10, 25])}克，积{rng.randint(10, 50)}积分。")
    return f"campaign-{n}", "campaign", title, body


def _faq(rng: random.Random, n: int):
    topic = rng.choice(TOPICS)
    body = (f"### 问：{topic}有什么规定？\n答：每天{rng.randint(14, 18)}:00前付款当天发货，满{rng.choice([99, 199, 299])}"
            f"元包邮，{rng.choice(['顺丰', '京东', '邮政'])}配送约{rng.randint(1, 5)}天送达；质量问题"
            f"{rng.randint(3, 15)}天内可退换，积分{rng.choice([50, 100])}分抵1元，VIP年消费满"
            f"{rng.choice([2000, 3000, 5000])}元升级，享{rng.choice([95, 9, 88])}折。")
    return f"faq-{n}", "faq", f"{topic}常见问题（{n}）", body


def generate_queries(docs: list[Document], count: int, seed: int = 11) -> list[str]:
    """Paraphrase-like questions about random documents, with their numbers and names."""
    rng = random.Random(seed)
    templates = {
        "product_fact": ["{t}要用多少度的水泡", "{t}一罐多少钱", "那款{t}开封后多久要喝完"],
        "faq": ["{t}几点关门", "去{t}坐地铁从哪个口出", "{t}的规定是什么"],
        "campaign": ["{t}有什么福利", "{t}打卡几次送茶", "{t}每周几举办"],
    }
    queries = []
    for doc in rng.sample(docs, min(count, len(docs))):
        title = doc.title.split("（")[0]
        queries.append(rng.choice(templates.get(doc.type, templates["faq"])).format(t=title))
    return queries


def _dir_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1024 / 1024


def _percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, int(round(pct / 100 * len(ordered) + 0.5)) - 1))]


def run(chunks: int, queries: int = 200, *, keep: str | None = None) -> dict:
    workdir = Path(keep) if keep else Path(tempfile.mkdtemp(prefix="knowledge-bench-"))
    try:
        docs = generate_documents(chunks)
        client = open_persistent_client(workdir / "chroma")
        index = KnowledgeIndex(client, HashingEmbedder(), workdir / "data")
        started = time.perf_counter()
        summary = index.sync_brand("bench", docs, extra_terms=[d.title.split("·")[0] for d in docs[:200]])
        ingest_s = time.perf_counter() - started
        texts = generate_queries(docs, queries)
        index.search("bench", texts[0], k=5)  # warm-up: loads the BM25 file and Chroma segments
        latencies = []
        for text in texts:
            t0 = time.perf_counter()
            index.search("bench", text, k=5)
            latencies.append((time.perf_counter() - t0) * 1000.0)
        return {
            "chunks": summary["chunks"],
            "ingest_chunks_per_s": round(summary["chunks"] / ingest_s, 1),
            "index_mb": round(_dir_mb(workdir), 1),
            "search_p50_ms": round(_percentile(latencies, 50), 2),
            "search_p95_ms": round(_percentile(latencies, 95), 2),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        }
    finally:
        if not keep:
            shutil.rmtree(workdir, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m knowledge.bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--chunks", type=int, default=50_000, help="about how many chunks to index")
    parser.add_argument("--queries", type=int, default=200, help="how many searches to time")
    parser.add_argument("--keep", metavar="DIR", help="build the index in DIR and keep it")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    result = run(args.chunks, args.queries, keep=args.keep)
    if args.json:
        print(json.dumps(result))
    else:
        for key, value in result.items():
            print(f"{key:>20}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
