"""`studio bench`: benchmarks that start real processes and print figures."""
from __future__ import annotations

import json
import signal
import sys

import click

from flask.cli import with_appcontext

from studio.benchmarks.dispatch import DispatchBenchOptions, run_dispatch_bench
from studio.benchmarks.drafting import BriefBenchOptions, run_brief_bench
from studio.benchmarks.links import LinkBenchOptions, run_link_bench
from studio.benchmarks.posters import PosterBenchOptions, run_poster_bench
from studio.errors import StudioError
from studio.schema import require_migrated

bench_cli = click.Group("bench", help="Benchmarks on real processes / 基准测试。")


def _run(bench):
    """Run a bench with progress on stderr; a refused run is a message and exit code 1."""
    def progress(message: str) -> None:
        click.echo(f"[bench] {message}", err=True)

    def stop(signum, frame):  # SIGTERM unwinds like Ctrl-C, so the workers the run started are stopped too
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    try:
        return bench(progress)
    except (StudioError, ValueError, RuntimeError) as exc:
        click.echo(f"错误 / error: {exc}", err=True)
        sys.exit(1)


@bench_cli.command("dispatch", help="""Deliver N approved posts due over the next S seconds through real
Celery workers and beat, on the database and broker the environment names, and print lateness, duplicates
and losses (and the same load as plain Celery ETA tasks with --baseline).""")
@click.option("--deliveries", "deliveries", type=click.IntRange(min=1), default=1000, show_default=True)
@click.option("--window", "window", type=click.FloatRange(min=0.1), default=30.0, show_default=True,
              help="Seconds over which the deliveries fall due.")
@click.option("--target", "target", default=None, help="Webhook URL to post to (default: a loopback receiver).")
@click.option("--targets", "targets", type=click.IntRange(min=1), default=50, show_default=True,
              help="Number of generic-webhook channels.")
@click.option("--burst", "burst", is_flag=True,
              help="All deliveries fall due in the same second (a ritual's peak); --window then only times the kill.")
@click.option("--kill-worker", "kill_worker", is_flag=True, help="SIGKILL one sender worker halfway.")
@click.option("--baseline", "baseline", is_flag=True, help="Also measure plain Celery ETA tasks.")
@click.option("--workers", "workers", type=click.IntRange(min=1), default=2, show_default=True,
              help="Sender worker processes.")
@click.option("--concurrency", "concurrency", type=click.IntRange(min=1), default=2, show_default=True,
              help="Pool size of each sender worker.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
def dispatch_command(as_json: bool, **options):
    result = _run(lambda progress: run_dispatch_bench(DispatchBenchOptions(**options), progress=progress))
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False))
        return
    for name in ("dispatcher", "baseline"):
        figures = result if name == "dispatcher" else result.get("baseline")
        if not figures or "lateness_ms" not in figures:
            continue
        late = figures["lateness_ms"]
        click.echo(f"{name:<10} sent {figures['sent']}/{result['deliveries']}  duplicates {figures['duplicates']}"
                   f"  lost {figures['lost']}  lateness ms p50 {late['p50']} p95 {late['p95']}"
                   f" p99 {late['p99']} max {late['max']}  within 1 s {figures.get('within_1s')}")


@bench_cli.command("brief", help="""Post a brief for every segment of a brand through the web form, with a
real drafter worker, and print how long until the last variant is in the editor.""")
@click.option("--brand", "brand", default="chayun", show_default=True)
@click.option("--runs", "runs", type=click.IntRange(min=1), default=3, show_default=True)
@click.option("--brief", "brief", default="", help="The same brief every run (default: five demo briefs in turn).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
@with_appcontext
def brief_command(as_json: bool, **options):
    def bench(progress):
        require_migrated()
        return run_brief_bench(BriefBenchOptions(**options), progress=progress)

    result = _run(bench)
    if result["unranked_variants"]:
        click.echo(f"注意 / note: {result['unranked_variants']} variants were drafted without the ranking model "
                   f"(is the model server running? `make run` starts it)", err=True)
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False))
        return
    click.echo(f"{result['segments']} variants of one brief: median {result['median_s']} s, max {result['max_s']} s"
               f" over {result['runs']} runs; failed variants {result['failed_variants']}")


@bench_cli.command("poster", help="""Render each poster template N times (after one warm-up) with the demo
brand kit, reading every QR back, and print render time percentiles and file sizes.""")
@click.option("--runs", "runs", type=click.IntRange(min=1), default=30, show_default=True)
@click.option("--template", "template", default="", help="One template (default: all).")
@click.option("--kit", "kit", default="", help="A brand kit folder (default: the demo kit).")
@click.option("--format", "format", type=click.Choice(["jpeg", "webp"]), default="jpeg", show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
def poster_command(as_json: bool, **options):
    from studio.cli import DEMO_KIT

    result = _run(lambda progress: run_poster_bench(PosterBenchOptions(**options), demo_kit=DEMO_KIT,
                                                    progress=progress))
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False))
        return
    for name, figures in result["templates"].items():
        click.echo(f"{name:<11} {figures['size']:>9} {figures['format']}  render ms p50 {figures['p50_ms']} "
                   f"p95 {figures['p95_ms']} max {figures['max_ms']} (first {figures['first_ms']})  "
                   f"bytes median {figures['bytes_median']} max {figures['bytes_max']} "
                   f"(budget {figures['budget_bytes']})")


@bench_cli.command("links", help="""Send a burst of clicks on tracked links to the web app as `make run` serves
it, from concurrent clients (people, some clicking twice, and link previews), and print clicks a second,
latency, and whether every answered click was counted once.""")
@click.option("--clicks", "clicks", type=click.IntRange(min=1), default=5000, show_default=True)
@click.option("--concurrency", "concurrency", type=click.IntRange(min=1, max=256), default=16, show_default=True)
@click.option("--links", "links", type=click.IntRange(min=1), default=20, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
def links_command(as_json: bool, **options):
    result = _run(lambda progress: run_link_bench(LinkBenchOptions(**options), progress=progress))
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False))
        return
    late = result["latency_ms"]
    click.echo(f"{result['answered']}/{result['requests']} clicks in {result['seconds']} s: "
               f"{result['clicks_per_second']} a second on {result['database']}, latency ms p50 {late['p50']} "
               f"p95 {late['p95']} p99 {late['p99']}; lost {result['lost']}, people {result['counted_people']}/"
               f"{result['expected_people']}, unique {result['counted_unique']}/{result['expected_unique']}, "
               f"robots {result['counted_robots']}/{result['expected_robots']}")
