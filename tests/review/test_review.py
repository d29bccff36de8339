"""Review: nobody approves their own post, and an approval holds for one revision only."""
import pytest

from studio import posts
from studio.errors import InvalidInput, InvalidTransition, SelfApproval
from studio.extensions import db
from studio.models import AuditEvent
from studio.review import workflow
from tests.support.posts import drafted_post, user


def test_reviewer_approves_the_revision_they_saw(ctx):
    post = drafted_post()
    workflow.submit_for_review(post.id, user("editor"))
    workflow.approve(post.id, user("reviewer"), post.current_revision_id)
    assert post.status == "approved" and posts.is_approved(post)
    actions = [e.action for e in db.session.scalars(db.select(AuditEvent).where(AuditEvent.post_id == post.id))]
    assert actions == ["created", "submitted", "approved"]


def test_nobody_approves_their_own_post(ctx):
    post = drafted_post(author="admin")
    workflow.submit_for_review(post.id, user("admin"))
    with pytest.raises(SelfApproval):
        workflow.approve(post.id, user("admin"), post.current_revision_id)
    assert post.status == "in_review"


def test_an_admin_who_edited_the_post_cannot_approve_it(ctx):
    post = drafted_post()
    workflow.save_revision(post.id, "小茶来啦~ 改过的正文。", user("admin"))
    workflow.submit_for_review(post.id, user("editor"))
    with pytest.raises(SelfApproval):
        workflow.approve(post.id, user("admin"), post.current_revision_id)


def test_an_edit_after_approval_sends_the_post_back_to_review(ctx):
    post = drafted_post()
    workflow.submit_for_review(post.id, user("editor"))
    workflow.approve(post.id, user("reviewer"), post.current_revision_id)
    approved_revision = post.current_revision_id
    workflow.save_revision(post.id, "小茶来啦~ 新的一版。", user("editor2"))
    assert post.status == "in_review"
    assert not posts.is_approved(post)
    with pytest.raises(InvalidTransition):
        workflow.approve(post.id, user("reviewer"), approved_revision)  # the stale revision
    workflow.approve(post.id, user("reviewer"), post.current_revision_id)
    assert posts.is_approved(post) and post.current_revision.number == 2


def test_sending_back_needs_a_comment_that_the_audit_keeps(ctx):
    post = drafted_post()
    workflow.submit_for_review(post.id, user("editor"))
    with pytest.raises(InvalidInput):
        workflow.send_back(post.id, user("reviewer"), "  ")
    workflow.send_back(post.id, user("reviewer"), "语气再轻松一点")
    assert post.status == "changes_requested"
    event = db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "rejected")).one()
    assert event.detail == "语气再轻松一点" and event.actor.username == "reviewer"


def test_empty_revision_is_refused_and_history_is_kept(ctx):
    post = drafted_post()
    with pytest.raises(InvalidInput):
        workflow.save_revision(post.id, "   ", user("editor"))
    workflow.save_revision(post.id, "第二版", user("editor"))
    workflow.save_revision(post.id, "第三版", user("editor"))
    assert [r.number for r in post.revisions] == [1, 2, 3]
    assert post.revisions[0].body.startswith("小茶来啦")


def test_web_approve_by_author_shows_the_reason(client, auth, app, demo_brand):
    with app.app_context():
        post = drafted_post(author="admin")
        workflow.submit_for_review(post.id, user("admin"))
        post_id, revision_id = post.id, post.current_revision_id
    auth.login("admin")
    response = client.post(f"/posts/{post_id}/approve", data={"revision_id": revision_id}, follow_redirects=True)
    assert "不能批准自己写的帖子" in response.get_data(as_text=True)


def test_preview_strips_scripts_from_user_markdown(client, auth):
    auth.login("editor")
    html = client.post("/preview", data={"body": "**好茶**<script>alert(1)</script>"
                                                 "<img src=x onerror=alert(2)>[x](javascript:alert(3))"}).json["html"]
    assert "<strong>好茶</strong>" in html
    assert "<script" not in html and "onerror" not in html and "javascript:" not in html


def test_a_blocking_compliance_finding_stops_submission(ctx):
    post = drafted_post(body="小茶来啦~ 全网第一的白牡丹，喝了能降血糖。")
    with pytest.raises(InvalidTransition) as caught:
        workflow.submit_for_review(post.id, user("editor"))
    assert "全网第一" in str(caught.value) and "降血糖" in str(caught.value)
    assert post.status == "draft"


def test_reviewer_override_needs_a_reason_that_the_audit_keeps(ctx):
    post = drafted_post(body="小茶来啦~ 白牡丹2024，国家级好茶。")
    post.status = "in_review"  # submitted before the rule existed
    db.session.commit()
    with pytest.raises(InvalidTransition):
        workflow.approve(post.id, user("reviewer"), post.current_revision_id)
    workflow.approve(post.id, user("reviewer"), post.current_revision_id, override_reason="获奖名称，已核实证书")
    event = db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "override")).one()
    assert "国家级" in event.detail and "已核实证书" in event.detail


def test_one_click_fixes_clear_the_blocking_findings(ctx):
    from studio.review import post_lint

    post = drafted_post(body="小茶来啦~ 这是最好的白牡丹2024，@所有人 快来品鉴。")
    findings = post_lint.lint_post(post.id)
    assert {f.text for f in post_lint.blocking(findings)} >= {"最好", "@所有人"}
    fixed = post_lint.apply_replacements(post.current_revision.body, findings)
    assert post_lint.blocking(post_lint.lint_post(post.id, fixed)) == []
    workflow.save_revision(post.id, fixed, user("editor"))
    assert workflow.submit_for_review(post.id, user("editor")).status == "in_review"


def test_a_price_the_model_invented_is_flagged_against_the_cited_fact(ctx):
    from studio.review import post_lint

    post = drafted_post(body="小茶来啦~ 白牡丹2024只要98元，泡3分钟就好。")
    post.generation = {"facts": [{"n": 1, "doc_id": "product-bm-2024", "title": "白牡丹2024",
                                  "text": "建议90℃冲泡，一盒168元。"}]}
    db.session.commit()
    findings = {f.text: f for f in post_lint.lint_post(post.id) if f.rule == "ungrounded-claim"}
    assert findings["98元"].severity == "block" and "168元" in findings["98元"].message
    assert findings["3分钟"].severity == "warn"
    with pytest.raises(InvalidTransition):
        workflow.submit_for_review(post.id, user("editor"))
