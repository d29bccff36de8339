"""How long one poster takes and how large it is: layout, drawing, encoding and the QR read-back, per
template, on the demo brand kit (or another kit folder), in this process."""
from __future__ import annotations

import statistics
import time
from dataclasses import dataclass
from pathlib import Path

from knowledge.kit import load_brand_kit
from studio.posters.kit import poster_kit
from studio.posters.render import PosterContent, render_poster
from studio.posters.templates import available_templates, get_template

# Another text each run, as a week of posters brings; lengths vary from a short title to a full body.
SAMPLES = (
    ("周五晚8点 冬日品鉴会：2024白牡丹对比2021老白茶",
     "陈师傅带大家对比喝两个年份的白牡丹，新茶清鲜、老茶蜜甜。名额30位，19:30签到，备好盖碗和好奇心就行~", "¥598"),
    ("大红袍2025到货", "新焙的岩茶放三个月再喝，用100℃沸水快出汤，前四泡七八秒就够。", "¥368"),
    ("冬至围炉：寿眉饼2019煮着喝", "先冲泡四五道再煮，汤色橙黄，枣香蜜韵。晒出你的围炉茶席，抽3位茶友送25g试饮装。", ""),
    ("三坊七巷店月末品鉴会报名接龙（限12人）", "", "¥99"),
)


@dataclass
class PosterBenchOptions:
    runs: int = 30
    kit: str = ""
    template: str = ""
    format: str = "jpeg"


def run_poster_bench(options: PosterBenchOptions, *, demo_kit: Path, progress=lambda message: None) -> dict:
    """Render every template `runs` times after one warm-up; times in milliseconds, sizes in bytes."""
    kit_dir = Path(options.kit) if options.kit else demo_kit
    brand = load_brand_kit(kit_dir)
    kit = poster_kit(kit_dir, brand.extra.get("poster"))
    persona = next((p for p in brand.personas if p.slug in kit.avatars), None)
    names = [options.template] if options.template else sorted(available_templates(kit.template_dir))
    results = {}
    for name in names:
        template = get_template(name, kit.template_dir)
        started = time.perf_counter()
        render_poster(template, kit, _content(0, kit, persona), fmt=options.format)
        first_ms = (time.perf_counter() - started) * 1000
        times, sizes = [], []
        for run in range(options.runs):
            started = time.perf_counter()
            rendered = render_poster(template, kit, _content(run, kit, persona), fmt=options.format)
            times.append((time.perf_counter() - started) * 1000)
            sizes.append(len(rendered.data))
        results[name] = {"size": f"{template.width}x{template.height}", "format": options.format,
                         "runs": options.runs, "first_ms": round(first_ms, 1), **_figures(times),
                         "bytes_median": int(statistics.median(sizes)), "bytes_max": max(sizes),
                         "budget_bytes": template.max_kb * 1024}
        progress(f"{name}: p50 {results[name]['p50_ms']} ms, p95 {results[name]['p95_ms']} ms, "
                 f"{results[name]['bytes_max'] // 1024} KB at most")
    return {"kit": str(kit_dir), "templates": results}


def _content(run: int, kit, persona) -> PosterContent:
    title, body, price = SAMPLES[run % len(SAMPLES)]
    return PosterContent(title=title, body=body, price=price, qr_url=f"http://127.0.0.1:5000/l/Bench{run:05d}",
                         cta=kit.cta, footer=kit.footer, persona_name=persona.name if persona else "",
                         persona_slug=persona.slug if persona else "")


def _figures(times: list[float]) -> dict:
    ordered = sorted(times)

    def percentile(share: float) -> float:
        return round(ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))], 1)

    return {"p50_ms": round(statistics.median(ordered), 1), "p95_ms": percentile(0.95),
            "max_ms": round(ordered[-1], 1)}
