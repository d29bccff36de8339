"""A query in another language than the brand's knowledge is recognised, so its hits can be flagged."""
import pytest

from knowledge import HashingEmbedder, KnowledgeIndex, load_brand_kit, open_persistent_client
from knowledge.language import (check_query_language, latin_words, suggested_terms, text_language,
                                vocabulary_language)
from studio.cli import DEMO_KIT


@pytest.fixture(scope="module")
def demo_index(tmp_path_factory):
    folder = tmp_path_factory.mktemp("demo-index")
    kit = load_brand_kit(DEMO_KIT)
    index = KnowledgeIndex(open_persistent_client(folder / "chroma"), HashingEmbedder(), folder / "bm25")
    products = sorted({kit.name, *(d.title for d in kit.documents if d.type == "product_fact")})
    index.sync_brand(kit.slug, kit.documents, extra_terms=products)
    return index


@pytest.mark.parametrize("query, language", [
    ("white peony tea water temperature", "en"), ("泡白牡丹要多热的水", "zh"), ("白牡丹 price", "zh"),
    ("BM-2024", ""), ("2024", ""), ("", ""), ("Ｗｈｉｔｅ ｐｅｏｎｙ", "en"),
])
def test_a_query_is_chinese_with_any_hanzi_english_with_latin_words_only_undecided_with_codes_only(
        query, language):
    assert text_language(query) == language


def test_codes_with_digits_are_not_words_of_a_language():
    assert latin_words("How hot for BM-2024 and 90c water?") == ["how", "hot", "for", "and", "water"]


def test_an_index_is_chinese_when_most_of_its_letters_are_hanzi():
    assert vocabulary_language(["白", "牡丹", "tea", "bm-2024"], [40, 10, 5, 9]) == "zh"
    assert vocabulary_language(["tea", "white", "白"], [40, 10, 5]) == "en"
    assert vocabulary_language(["2024"], [3]) == ""


def test_an_english_query_against_chinese_knowledge_is_a_mismatch_unless_the_knowledge_has_its_words():
    known = {"oolong", "sku"}.__contains__
    english = check_query_language("white peony water temperature", "zh", known)
    assert english.mismatch and english.unknown_words == ["white", "peony", "water", "temperature"]
    assert not check_query_language("oolong sku", "zh", known).mismatch, "words the documents use"
    assert not check_query_language("白牡丹 price", "zh", known).mismatch, "a Chinese query with a Latin word"
    assert not check_query_language("BM-2024", "zh", known).mismatch, "a code is a code in any language"
    assert not check_query_language("white peony", "en", known).mismatch, "English knowledge"


def test_the_demo_brands_index_flags_an_english_query_and_suggests_its_own_terms(demo_index):
    english = demo_index.query_language("chayun", "How hot should the water be for white peony tea?")
    assert (english.query, english.knowledge, english.mismatch) == ("en", "zh", True)
    assert english.suggestions and all(any("\u4e00" <= ch <= "\u9fff" for ch in term)
                                       for term in english.suggestions)
    for query in ("泡白牡丹要多热的水", "BM-2024 白牡丹 价格", "BM-2024"):
        assert not demo_index.query_language("chayun", query).mismatch, query
    unknown = demo_index.query_language("no-such-brand", "white peony")
    assert (unknown.knowledge, unknown.mismatch) == ("", False)


def test_suggested_terms_are_short_names_in_hanzi():
    terms = ["BM-2024", "大红袍·2025", "大红袍·2025（DHP-2025）", "武夷红茶两款：正山小种·2025与金骏眉·2025", "茶韵山房",
             "金骏眉·2025"]
    assert suggested_terms(terms) == ["大红袍·2025", "茶韵山房", "金骏眉·2025"]
