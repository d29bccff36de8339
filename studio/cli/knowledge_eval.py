"""`studio knowledge eval`: measure retrieval quality of one brand on a labeled query file.

Attach to the knowledge group with `knowledge_cli.add_command(eval_command)`.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from flask.cli import with_appcontext

from knowledge.evaluation import RETRIEVERS, QueryFileError, evaluate, load_queries
from studio.brands.kits import get_brand
from studio.errors import StudioError
from studio.knowledge_base.index import get_index, index_errors
from studio.schema import require_migrated


def _fail(message: str) -> None:
    click.echo(f"错误 / error: {message}", err=True)
    sys.exit(1)


@click.command("eval")
@click.argument("queries_file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--brand", "brand_slug", required=True, help="Slug of the imported brand to search.")
@click.option("-k", "k", default=5, show_default=True, type=click.IntRange(1, 100),
              help="Documents per query that count for recall.")
@click.option("--json", "as_json", is_flag=True, help="Print the metrics as one JSON object.")
@with_appcontext
def eval_command(queries_file: Path, brand_slug: str, k: int, as_json: bool):
    """Recall@1, recall@k, MRR and latency of hybrid, BM25 and vector search on QUERIES_FILE (JSONL)."""
    try:
        queries = load_queries(queries_file)
    except QueryFileError as exc:
        _fail(str(exc))
    try:
        require_migrated()
        get_brand(brand_slug)
        with index_errors():
            result = evaluate(get_index(), brand_slug, queries, k=k)
    except StudioError as exc:
        _fail(str(exc))
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False))
        return
    recall_k = f"recall@{k}"
    click.echo(f"{result['queries']} queries, brand {brand_slug}, k={k}")
    click.echo(f"{'retriever':<10}{'recall@1':>10}{recall_k:>11}{'MRR':>8}{'p50 ms':>9}{'p95 ms':>9}")
    for name in RETRIEVERS:
        row = result[name]
        click.echo(f"{name:<10}{row['recall@1']:>10.3f}{row[recall_k]:>11.3f}{row['mrr']:>8.3f}"
                   f"{row['p50_ms']:>9.1f}{row['p95_ms']:>9.1f}")
