"""“Send test message” shows what the platform answered."""
from studio.extensions import db
from studio.models import Channel
from tests.support import WebhookReceiver


def test_admin_sends_a_signed_test_message_and_sees_the_answer(client, auth, app, demo_brand):
    receiver = WebhookReceiver(secret="demo-webhook-secret").start()
    try:
        with app.app_context():
            hook = db.session.scalar(db.select(Channel).where(Channel.slug == "partner-webhook"))
            hook.target = receiver.url
            db.session.commit()
        auth.login("admin")
        page = client.get("/brands/chayun/channels/partner-webhook").get_data(as_text=True)
        assert "demo-webhook-secret" not in page and "••••••" in page
        page = client.post("/brands/chayun/channels/partner-webhook/test").get_data(as_text=True)
        assert "HTTP 200" in page and "已发送" in page
        [request] = receiver.requests
        assert receiver.signature_ok(request) and request.json["text"].startswith("【测试消息】")
        receiver.status = 403
        page = client.post("/brands/chayun/channels/partner-webhook/test").get_data(as_text=True)
        assert "HTTP 403" in page and "失败" in page
    finally:
        receiver.stop()


def test_sandbox_test_message_lands_in_the_group_chat(client, auth, app, demo_brand):
    auth.login("admin")
    client.post("/brands/chayun/channels/sandbox-main/test")
    with app.app_context():
        channel_id = db.session.scalar(db.select(Channel.id).where(Channel.slug == "sandbox-main"))
    [message] = client.get(f"/sandbox/{channel_id}/messages.json").json
    assert "测试消息" in message["html"]


def test_editors_cannot_send_test_messages(client, auth, demo_brand):
    auth.login("editor")
    assert client.post("/brands/chayun/channels/partner-webhook/test").status_code == 403
