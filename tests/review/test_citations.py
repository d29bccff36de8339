"""A fact shows as cited only while the post's text uses it, with the sentences that use it."""
from studio.extensions import db
from studio.review.citations import fact_uses
from tests.support.posts import drafted_post

FACTS = [{"doc_id": "product-bm-2024", "title": "白牡丹2024", "text": "福鼎白牡丹，建议90℃冲泡，一盒168元。"},
         {"doc_id": "story-founder", "title": "创始人的故事", "text": "创始人老陈在福鼎山里守了二十年茶园。"}]


def test_a_fact_is_cited_by_the_sentences_that_repeat_its_wording_or_figures():
    body = "小茶来啦~ 今天一起泡白牡丹。建议90℃冲泡，别太烫。\n一盒168元，周五开抢！"
    uses = fact_uses(body, FACTS)
    assert uses["product-bm-2024"] == ["建议90℃冲泡，别太烫。", "一盒168元，周五开抢！"]
    assert uses["story-founder"] == []


def test_a_sentence_the_draft_made_from_a_fact_counts_while_it_stays():
    record = [{"text": "老陈守着茶园二十年。", "source": "fact:story-founder"},
              {"text": "小茶来啦~", "source": "script:scripts/通用.yaml#openers"}]
    assert fact_uses("小茶来啦~ 老陈守着茶园二十年。", FACTS, record)["story-founder"] == ["老陈守着茶园二十年。"]
    assert fact_uses("小茶来啦~ 欢迎新朋友。", FACTS, record)["story-founder"] == []


def test_the_post_page_marks_only_the_facts_the_text_uses(ctx, client, auth):
    post = drafted_post(body="小茶来啦~ 欢迎大家进群，有问题随时问我。")
    post.generation = {"facts": [{"n": 1, **FACTS[0]}]}
    db.session.commit()
    auth.login("editor")
    page = client.get(f"/posts/{post.id}").get_data(as_text=True)
    assert "product-bm-2024" in page and "已引用" not in page  # the revision lists it; the text does not use it

    client.post(f"/posts/{post.id}/revisions", data={"body": "小茶来啦~ 白牡丹建议90℃冲泡。"})
    page = client.get(f"/posts/{post.id}").get_data(as_text=True)
    assert "已引用" in page and "<q class=\"user-content\">白牡丹建议90℃冲泡。</q>" in page
