"""Tiny brand kits on disk: a valid brand.yaml and Markdown documents with front matter."""
from __future__ import annotations

import textwrap
from pathlib import Path

BRAND_YAML = textwrap.dedent("""\
    slug: demo-tea
    name: 演示茶铺
    timezone: Asia/Shanghai
    description: 一家只在测试里存在的茶铺
    alert_channel: sandbox
    personas:
      - slug: xiaocha
        name: 小茶
        voice: 亲切、爱用叠词
        catchphrases: [喝茶啦, 慢慢来]
        taboo: [最便宜, 包治百病]
        examples: [今天的白茶好香呀～]
    segments:
      - slug: newcomers
        name: 新入群茶友
        lifecycle_stage: 破冰
        description: 入群七天内
    channels:
      - slug: sandbox
        type: sandbox
        target: local
      - slug: partner
        type: webhook
        target: http://partner.invalid/hook
        secret: s3cret
    """)


def front_matter_doc(doc_id: str, doc_type: str, title: str, body: str, **extra: object) -> str:
    """Markdown text with YAML front matter, as a kit author would write it."""
    lines = [f"id: {doc_id}", f"type: {doc_type}", f"title: {title}"]
    lines += [f"{key}: {value}" for key, value in extra.items()]
    return "---\n" + "\n".join(lines) + "\n---\n" + body


def write_kit(root: Path, files: dict[str, str | bytes], brand_yaml: str | None = BRAND_YAML) -> Path:
    """Create a kit directory; `files` maps paths under knowledge/ to their content."""
    (root / "knowledge").mkdir(parents=True, exist_ok=True)
    if brand_yaml is not None:
        (root / "brand.yaml").write_text(brand_yaml, encoding="utf-8")
    for name, content in files.items():
        path = root / "knowledge" / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root
