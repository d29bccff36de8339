"""A search in another language than the brand's knowledge says so: on the brand page, in the API, in the CLI."""
import json

import pytest

from studio import api_tokens

ENGLISH = "How hot should the water be for white peony tea?"
CHINESE = "泡白牡丹要多热的水"


@pytest.fixture
def api(app, users, demo_brand):
    with app.app_context():
        token = api_tokens.issue_token("editor")[0]
    client = app.test_client()
    return lambda path: client.get(path, headers={"Authorization": f"Bearer {token}"})


def test_brand_page_warns_that_an_english_search_of_chinese_knowledge_means_nothing(client, auth, demo_brand):
    auth.login("editor")
    page = client.get("/brands/chayun", query_string={"q": ENGLISH}).get_data(as_text=True)
    assert 'id="language-notice"' in page
    notice = page.split('id="language-notice"', 1)[1].split("</p>", 1)[0]
    assert "中文" in notice and "例如" in notice
    chinese = client.get("/brands/chayun", query_string={"q": CHINESE}).get_data(as_text=True)
    assert 'id="language-notice"' not in chinese and "白牡丹" in chinese


def test_api_search_keeps_its_list_of_hits_and_flags_each_hit_and_the_response(api):
    english = api(f"/api/v1/brands/chayun/search?q={ENGLISH}")
    assert english.status_code == 200 and isinstance(english.json, list) and english.json
    for hit in english.json:
        assert {"doc_id", "chunk_id", "title", "type", "score", "text"} <= set(hit), "the keys it had"
        assert (hit["query_language"], hit["knowledge_language"], hit["language_mismatch"]) == ("en", "zh", True)
    assert "Chinese" in english.headers["X-Search-Notice"]
    chinese = api(f"/api/v1/brands/chayun/search?q={CHINESE}")
    assert chinese.json and all(hit["language_mismatch"] is False for hit in chinese.json)
    assert "X-Search-Notice" not in chinese.headers
    documented = api("/api/v1/openapi.json").json["paths"]["/api/v1/brands/{slug}/search"]["get"]
    assert "X-Search-Notice" in documented["responses"]["200"]["headers"]


def test_cli_search_names_the_language_mismatch_on_stderr_and_keeps_its_json_as_it_was(runner, demo_brand):
    result = runner.invoke(args=["knowledge", "search", ENGLISH, "--brand", "chayun"])
    assert result.exit_code == 0
    assert "请用中文检索" in result.stderr and "请用中文检索" not in result.stdout
    assert "请用中文检索" not in runner.invoke(args=["knowledge", "search", CHINESE, "--brand", "chayun"]).stderr
    as_json = runner.invoke(args=["knowledge", "search", ENGLISH, "--brand", "chayun", "--json"])
    hits = json.loads(as_json.output)
    assert hits and set(hits[0]) == {"doc_id", "chunk_id", "title", "type", "score", "text"}
