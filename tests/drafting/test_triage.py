"""Failed drafts do not pile up: retried together, archived out of the lists, restored."""
from studio.extensions import db
from studio.models import AuditEvent, Post
from tests.support.posts import drafted_post


def failed(post: Post, reason: str = "模型没有回应") -> int:
    post.status, post.error = "error", reason
    db.session.commit()
    return post.id


def test_archived_posts_leave_the_dashboard_and_come_back_when_restored(ctx, client, auth):
    first, second = failed(drafted_post()), failed(drafted_post())
    kept = drafted_post()
    auth.login("editor")
    page = client.get("/").get_data(as_text=True)
    assert "生成失败" in page and f'name="post_ids" value="{first}"' in page

    response = client.post("/posts/batch", data={"action": "archive", "post_ids": [first, second, kept.id]},
                           follow_redirects=True)
    assert "已处理 3 条帖子" in response.get_data(as_text=True)
    page = client.get("/").get_data(as_text=True)
    assert f'value="{first}"' not in page and f'href="/posts/{first}"' not in page
    assert db.session.get(Post, first).status == "archived"
    assert db.session.scalar(db.select(db.func.count()).select_from(AuditEvent)
                             .where(AuditEvent.action == "archived")) == 3

    client.post(f"/posts/{first}/restore")
    client.post(f"/posts/{kept.id}/restore")
    db.session.expire_all()
    assert db.session.get(Post, first).status == "draft"  # it has text: a draft again
    assert db.session.get(Post, kept.id).status == "draft"


def test_posts_in_review_are_not_archived_and_the_others_still_are(ctx, client, auth):
    in_review = drafted_post()
    in_review.status = "in_review"
    db.session.commit()
    other = failed(drafted_post())
    auth.login("editor")
    page = client.post("/posts/batch", data={"action": "archive", "post_ids": [in_review.id, other]},
                       follow_redirects=True).get_data(as_text=True)
    assert f"#{in_review.id}：只有失败、草稿或待修改的帖子可以归档" in page and "已处理 1 条帖子" in page
    db.session.expire_all()
    assert db.session.get(Post, in_review.id).status == "in_review"
    assert db.session.get(Post, other).status == "archived"


def test_failed_posts_are_regenerated_together(ctx, client, auth, monkeypatch):
    from studio.drafting import jobs

    queued = []
    monkeypatch.setattr(jobs, "queue_job", lambda post_id, token, kind, request: queued.append(post_id))
    first, second = failed(drafted_post()), failed(drafted_post())
    auth.login("editor")
    response = client.post("/posts/batch", data={"action": "regenerate", "post_ids": [first, second]},
                           follow_redirects=True)
    assert "已处理 2 条帖子" in response.get_data(as_text=True)
    assert sorted(queued) == [first, second]


def test_a_batch_needs_an_editor_a_known_action_and_a_selection(ctx, client, auth):
    post_id = failed(drafted_post())
    auth.login("reviewer")
    assert client.post("/posts/batch", data={"action": "archive", "post_ids": [post_id]}).status_code == 403
    auth.login("editor")
    assert "未知的批量操作" in client.post("/posts/batch", data={"action": "drop", "post_ids": [post_id]},
                                        follow_redirects=True).get_data(as_text=True)
    assert "请先勾选帖子" in client.post("/posts/batch", data={"action": "archive"},
                                      follow_redirects=True).get_data(as_text=True)
    assert client.post("/posts/batch", data={"action": "archive", "post_ids": ["99999999999999999999"]}
                       ).status_code == 400
    assert db.session.get(Post, post_id).status == "error"
