"""Rendering stays near a normal post's cost for any text, and text that cannot render as written is refused
when saved; login costs the same whether or not the username exists.

Times are compared as ratios measured in one run, fastest of several, so a busy machine does not decide.
"""
import random
import statistics
import time

import pytest

from studio import api_tokens
from studio.channels.blocks import parse_blocks
from studio.errors import ComplianceBlocked
from studio.extensions import db
from studio.models import Revision
from studio.rendering import MAX_RENDER_CHARS, markdown_to_safe_html, render_problems
from studio.review import workflow
from tests.support.posts import drafted_post, user

pytestmark = pytest.mark.hostile  # the hostile-input suite: pytest -m hostile

NORMAL_UNIT = ("## 周五品鉴会\n\n各位茶友晚上好！今晚8点我们一起品**凤凰单丛**，[报名链接](https://example.com/a)。\n\n"
               "- 第一泡：闻香\n- 第二泡：*回甘*\n  - 小贴士：水温95℃\n\n> 小茶说：慢慢喝，才有味道。\n\n")
NORMAL = (NORMAL_UNIT * 200)[:MAX_RENDER_CHARS]
PATHOLOGICAL = {
    "brackets": "[" * 19000,
    "images": "![" * 9500,
    "nested brackets": "[" * 9000 + "a" + "]" * 9000,
    "unclosed link targets": "[a](" * 4750,
    "nested link targets": "[a](" * 2000 + ")" * 2000,
    "quotes": ">" * 19000,
    "emphasis": "*_" * 9500,
    "deep list": "\n".join(" " * (2 * depth) + "- 茶" for depth in range(130)),
    "quotes and lists": "> - " * 4750,
    "unclosed tags": "<a href=1" * 2100,
    "nested tags": "<b>" * 6000 + "茶",
    "angles": "<" * 19000,
    "link references": "".join(f"[r{n}]: http://x.example/{n}\n" for n in range(500)) + "[r1] " * 500,
}
RENDERERS = (markdown_to_safe_html, parse_blocks)


def fastest(render, text: str, runs: int = 3) -> float:
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        render(text)
        best = min(best, time.perf_counter() - started)
    return best


@pytest.mark.parametrize("name", PATHOLOGICAL)
def test_pathological_markdown_renders_in_time_near_a_normal_posts(name):
    text = PATHOLOGICAL[name]
    assert len(text) <= MAX_RENDER_CHARS
    for render in RENDERERS:
        ratio = fastest(render, text) / fastest(render, NORMAL)
        assert ratio < 25, f"{name}: {render.__name__} took {ratio:.0f}× a normal post"


def test_markdown_like_noise_renders_in_time_near_a_normal_post():
    pieces = list("[]()!*_`>-+#<&\\\n \t1.~|:\"'{}") + [
        "[a](", "](x)", "<div>", "&#64;", "    - ", "> ", "1. ", "```", "***", "![", "> - ", "- > ", "<!--",
        "[^a]: ", "\n: ", "|---|", "<a href=", "<b>", "茶", "[a]: http://x\n", "&amp;"]
    generator = random.Random(20261202)
    baseline = {render: fastest(render, NORMAL) for render in RENDERERS}
    for _ in range(24):
        alphabet = generator.sample(pieces, generator.randint(1, 6))
        text = "".join(generator.choice(alphabet) for _ in range(MAX_RENDER_CHARS))[:MAX_RENDER_CHARS]
        for render in RENDERERS:
            ratio = fastest(render, text, runs=1) / baseline[render]
            assert ratio < 40, f"{alphabet}: {render.__name__} took {ratio:.0f}× a normal post"


def test_text_over_the_limit_is_shown_as_plain_text_at_once():
    html = markdown_to_safe_html("[" * 200000)
    assert html.startswith("<p>[[[") and len(html) > 200000
    assert "&lt;script&gt;" in markdown_to_safe_html("<script>alert(1)</script>" + "x" * MAX_RENDER_CHARS)


def test_ordinary_markdown_renders_as_before():
    html = markdown_to_safe_html(NORMAL_UNIT + "[链接](https://example.com/b \"标题\")\n\n```\n[code\n```")
    assert "<strong>凤凰单丛</strong>" in html and '<a href="https://example.com/b" title="标题"' in html
    assert "<blockquote>" in html and "<li>第二泡：<em>回甘</em>" in html and "<code>[code" in html
    assert render_problems(NORMAL) == []


def test_render_problems_name_the_line_and_the_cause():
    problems = render_problems("第一段\n\n" + "[" * 40 + "\n\n" + ">" * 10 + " 引用")
    assert [problem.line for problem in problems] == [3, 5]
    assert "括号" in str(problems[0]) and "引用" in str(problems[1]) and str(problems[0]).startswith("第 3 行")


def test_a_revision_that_cannot_render_as_written_is_refused_when_saved(ctx, client, auth):
    post = drafted_post()
    before = post.current_revision.body
    auth.login("editor")
    response = client.post(f"/posts/{post.id}/revisions", data={"body": "[" * 6000}, follow_redirects=True)
    assert "无法按原样排版" in response.get_data(as_text=True) and "括号" in response.get_data(as_text=True)
    db.session.expire_all()
    assert post.current_revision.body == before
    assert db.session.scalar(db.select(db.func.count()).select_from(Revision)) == 1


def test_a_stored_pathological_revision_shows_as_quickly_as_a_normal_one(ctx, client, auth):
    token_headers = {"Authorization": f"Bearer {api_tokens.issue_token('editor')[0]}"}
    slow, normal = drafted_post(body="[" * 6000), drafted_post(body=NORMAL[:6000])
    auth.login("editor")

    def page_and_api(post_id):
        page = client.get(f"/posts/{post_id}")
        api = client.get(f"/api/v1/posts/{post_id}", headers=token_headers)
        assert page.status_code == api.status_code == 200

    ratio = fastest(lambda _: page_and_api(slow.id), "") / fastest(lambda _: page_and_api(normal.id), "")
    assert ratio < 5, f"the post took {ratio:.1f}× a normal post's time"


def test_the_preview_refuses_a_body_over_the_limit_and_names_what_saving_would_refuse(ctx, client, auth):
    auth.login("editor")
    for body in ("[" * 200000, ">" * 100000, "*_" * 150000):
        response = client.post("/preview", data={"body": body})
        assert response.status_code == 413 and "正文过长" in response.get_json()["error"]
    response = client.post("/preview", data={"body": "[" * 19000})
    assert response.status_code == 200 and "括号" in response.get_json()["problems"][0]
    assert client.post("/preview", data={"body": "**好茶**"}).get_json() == {"html": "<p><strong>好茶</strong></p>",
                                                                          "problems": []}


def test_a_mention_hidden_in_a_character_reference_blocks_submission(ctx):
    post = drafted_post(body="小茶来啦~ 今晚8点品鉴会 &#64;所有人 &#x40;all 快来。")
    with pytest.raises(ComplianceBlocked) as refused:
        workflow.submit_for_review(post.id, user("editor"))
    assert "&#64;所有人" in str(refused.value) or "所有人" in str(refused.value)


def test_login_takes_as_long_for_an_unknown_user_as_for_a_wrong_password(client, users):
    def median_login(username: str) -> float:
        times = []
        for _ in range(4):  # under the lockout, which comes at the fifth wrong password in a row
            started = time.perf_counter()
            response = client.post("/login", data={"username": username, "password": "not-the-password"})
            times.append(time.perf_counter() - started)
            assert response.status_code == 200 and "/logout" not in response.get_data(as_text=True)
        return statistics.median(times)

    ratio = median_login("nobody-by-this-name") / median_login("editor")
    assert 0.5 < ratio < 2, f"an unknown username answered in {ratio:.2f}× the time of a known one"
