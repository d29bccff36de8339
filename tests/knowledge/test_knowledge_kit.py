"""Brand kit loading and validation."""

from datetime import date
from pathlib import Path

import pytest

from knowledge import KitError, load_brand_kit

PRODUCTS_CSV = "sku,name,price_yuan,brew_temp_c\nBM-2024,白牡丹2024,168,90\nSM-2019,寿眉饼2019,268,100\n"


def problems_of(path) -> list[str]:
    with pytest.raises(KitError) as caught:
        load_brand_kit(path)
    return caught.value.problems


def test_valid_kit_loads_brand_personas_segments_channels_and_documents(make_kit, md):
    kit = load_brand_kit(make_kit({
        "story.md": md("story", "brand_story", "品牌故事", "# 起源\n\n2012年回乡做茶。"),
        "winter.md": md("winter", "campaign", "冬日品鉴会", "满199减30。",
                        valid_from="2025-11-01", valid_to="2025-12-31", products="[BM-2024]", tags="[冬季]"),
        "products.csv": PRODUCTS_CSV,
        "about.txt": "我们只做福鼎白茶。",
        "extra.json": '[{"id": "j1", "type": "faq", "title": "包邮吗", "text": "满99包邮。"}]',
    }))
    assert (kit.slug, kit.name, kit.timezone) == ("demo-tea", "演示茶铺", "Asia/Shanghai")
    assert kit.extra == {"description": "一家只在测试里存在的茶铺", "alert_channel": "sandbox"}
    assert kit.personas[0].catchphrases == ["喝茶啦", "慢慢来"] and kit.personas[0].taboo == ["最便宜", "包治百病"]
    assert kit.personas[0].examples == ["今天的白茶好香呀～"] and kit.personas[0].backstory == ""
    assert kit.segment("newcomers").lifecycle_stage == "破冰"
    assert kit.channel("partner").settings == {"secret": "s3cret"}
    assert kit.channel("partner").target == "http://partner.invalid/hook"
    docs = {d.doc_id: d for d in kit.documents}
    assert set(docs) == {"story", "winter", "BM-2024", "SM-2019", "about", "j1"}
    winter = docs["winter"]
    assert (winter.valid_from, winter.valid_to) == (date(2025, 11, 1), date(2025, 12, 31))
    assert winter.products == ["BM-2024"] and winter.tags == ["冬季"] and winter.text == "满199减30。"
    assert winter.source == "knowledge/winter.md"
    assert docs["about"].type == "brand_story" and docs["about"].title == "about"
    assert kit.root == Path(kit.root)


def test_csv_rows_become_product_facts_with_every_column(make_kit):
    kit = load_brand_kit(make_kit({"products.csv": "\ufeff" + PRODUCTS_CSV}))
    bm = next(d for d in kit.documents if d.doc_id == "BM-2024")
    assert bm.type == "product_fact" and bm.title == "白牡丹2024" and bm.products == ["BM-2024"]
    assert bm.text.splitlines() == ["sku：BM-2024", "name：白牡丹2024", "price_yuan：168", "brew_temp_c：90"]
    checksums = {d.checksum for d in kit.documents}
    assert len(checksums) == 2, "rows of one file must still get distinct checksums"


def test_checksum_changes_only_when_the_source_changes(make_kit, md, tmp_path):
    files = {"a.md": md("a", "faq", "A", "问：包邮吗？答：包邮。")}
    first = load_brand_kit(make_kit(files, name="one")).documents[0].checksum
    same = load_brand_kit(make_kit(files, name="two")).documents[0].checksum
    files["a.md"] += "\n补充一句。"
    changed = load_brand_kit(make_kit(files, name="three")).documents[0].checksum
    assert first == same != changed


def test_kit_with_csv_row_missing_sku_names_the_row(make_kit):
    problems = problems_of(make_kit({"products.csv": PRODUCTS_CSV + ",无名茶,99,90\n"}))
    assert problems == ["knowledge/products.csv row 4: missing sku / 缺少 sku"]


def test_csv_without_a_key_column_is_rejected_naming_its_header(make_kit):
    problems = problems_of(make_kit({"products.csv": "name,price\n白牡丹,168\n"}))
    assert len(problems) == 1
    assert problems[0].startswith("knowledge/products.csv: no product key column")
    assert "'name', 'price'" in problems[0]


def test_csv_key_and_name_columns_go_by_their_chinese_headers_anywhere(make_kit):
    kit = load_brand_kit(make_kit({"products.csv": "品名,货号,零售价（元）\n白牡丹,BM-2024,168\n"}))
    [row] = kit.documents
    assert (row.doc_id, row.title, row.products) == ("BM-2024", "白牡丹", ["BM-2024"])
    assert "零售价（元）：168" in row.text


def test_non_utf8_file_is_reported(make_kit):
    problems = problems_of(make_kit({"a.md": "---\nid: a\n---\n白茶".encode("gbk")}))
    assert len(problems) == 1 and problems[0].startswith("knowledge/a.md: not UTF-8")


def test_front_matter_missing_id_is_reported(make_kit, md):
    problems = problems_of(make_kit({"x.md": "---\ntype: faq\ntitle: 无编号\n---\n正文。"}))
    assert problems == ["knowledge/x.md: front matter missing 'id'"]


def test_markdown_without_front_matter_is_reported(make_kit):
    problems = problems_of(make_kit({"x.md": "# 只有正文\n"}))
    assert len(problems) == 1 and "front matter missing" in problems[0]


def test_unknown_type_and_bad_dates_are_reported(make_kit, md):
    problems = problems_of(make_kit({
        "a.md": md("a", "rumour", "传闻", "正文。"),
        "b.md": md("b", "campaign", "活动", "正文。", valid_from="2025-13-40"),
        "c.md": md("c", "campaign", "活动", "正文。", valid_from="2025-12-31", valid_to="2025-01-01"),
    }))
    assert len(problems) == 3
    assert "knowledge/a.md: type 'rumour' is not one of brand_story" in problems[0]
    assert problems[1].startswith("knowledge/b.md: valid_from '2025-13-40' is not an ISO date")
    assert problems[2] == "knowledge/c.md: valid_from 2025-12-31 is after valid_to 2025-01-01"


def test_duplicate_document_ids_across_files_are_reported(make_kit, md):
    problems = problems_of(make_kit({"products.csv": PRODUCTS_CSV,
                                     "z.md": md("BM-2024", "product_fact", "白牡丹", "正文。")}))
    assert problems == [
        "knowledge/z.md: duplicate document id 'BM-2024' (also in knowledge/products.csv) / 文档 id 重复"
    ]


def test_empty_file_and_malformed_front_matter_are_reported(make_kit):
    problems = problems_of(make_kit({"empty.md": "", "bad.md": "---\nid: [unclosed\n---\n正文"}))
    assert problems[0].startswith("knowledge/bad.md: malformed front matter YAML")
    assert problems[1].startswith("knowledge/empty.md: file is empty")


def test_segment_with_unknown_lifecycle_stage_lists_allowed_stages(make_kit, brand_yaml):
    problems = problems_of(make_kit({}, brand_yaml=brand_yaml.replace("破冰", "成交")))
    assert problems == ["brand.yaml: segment 'newcomers': lifecycle_stage '成交' is not one of "
                        "引入, 破冰, 促活, 转化, 留存, 召回"]


def test_all_brand_yaml_problems_are_reported_together(make_kit, brand_yaml):
    broken = (brand_yaml.replace("slug: demo-tea", "slug: Demo_Tea")
              .replace("Asia/Shanghai", "Mars/Olympus").replace("    name: 小茶\n", ""))
    problems = problems_of(make_kit({}, brand_yaml=broken))
    assert any("slug 'Demo_Tea'" in p for p in problems)
    assert any("timezone 'Mars/Olympus' is not an IANA time zone" in p for p in problems)
    assert "brand.yaml: persona 'xiaocha': missing 'name'" in problems
    assert len(problems) == 3


def test_missing_or_malformed_brand_yaml_is_reported(make_kit):
    assert problems_of(make_kit({}, brand_yaml=None, name="a")) == ["brand.yaml: missing / 缺少 brand.yaml"]
    problems = problems_of(make_kit({}, brand_yaml="slug: [a\nname: b\n", name="b"))
    assert len(problems) == 1 and problems[0].startswith("brand.yaml: malformed YAML")


def test_kit_error_message_names_every_problem(make_kit, md):
    with pytest.raises(KitError) as caught:
        load_brand_kit(make_kit({"a.md": md("a", "nope", "A", "正文"), "b.md": "no front matter"}))
    message = str(caught.value)
    assert "2 problem(s)" in message and "knowledge/a.md" in message and "knowledge/b.md" in message
    assert isinstance(caught.value, ValueError)


def test_demo_brand_kit_is_valid():
    sample = Path(__file__).resolve().parents[2] / "knowledge" / "samples" / "chayun"
    kit = load_brand_kit(sample)
    assert kit.slug and kit.documents and kit.personas
