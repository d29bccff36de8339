"""The editor's live preview shows the post as each of the brand's channels will render it."""
import pytest

from tests.support.posts import drafted_post

BODY = "## 冬日品鉴会\n小茶来啦~ **白牡丹2024**建议90℃冲泡。\n- 周五晚8点\n- [报名](https://example.com/join)\n@所有人"
PLATFORMS = [("wecom-main", "wecom", {}), ("feishu-main", "feishu", {}), ("dingtalk-main", "dingtalk", {}),
             ("slack-main", "slack", {}), ("telegram-main", "telegram", {"bot_token": "123:abc"}),
             ("wecom-text", "wecom", {"format": "text"})]


@pytest.fixture
def post_id(app, users, demo_brand):
    with app.app_context():
        from studio.brands.kits import get_brand
        from studio.extensions import db
        from studio.models import Channel
        brand_id = get_brand("chayun").id
        for slug, kind, settings in PLATFORMS:
            db.session.add(Channel(brand_id=brand_id, slug=slug, name=slug, type=kind, target="https://x/hook",
                                   settings=settings))
        db.session.add(Channel(brand_id=brand_id, slug="old-group", name="old", type="wecom", target="t",
                               active=False))
        db.session.commit()
        return drafted_post().id


def previews(client, post_id, body):
    response = client.post("/preview", data={"body": body, "post_id": post_id})
    assert response.status_code == 200
    return {row["channel"]: row for row in response.get_json()["channels"]}


def test_each_active_channel_shows_its_own_rendering_and_size(client, auth, post_id):
    auth.login("editor")
    rows = previews(client, post_id, BODY)
    assert list(rows)[0] == "sandbox-main", "the brief's own channel comes first"
    assert set(rows) == {"sandbox-main", "partner-webhook", *(slug for slug, _kind, _settings in PLATFORMS)}
    wecom, feishu, dingtalk = rows["wecom-main"], rows["feishu-main"], rows["dingtalk-main"]
    slack, telegram, webhook = rows["slack-main"], rows["telegram-main"], rows["partner-webhook"]
    assert wecom["label"] == "企业微信 markdown" and "**白牡丹2024**" in wecom["text"]
    assert wecom["length"] == len(wecom["text"].encode("utf-8")) and wecom["limit"] == 4096
    assert wecom["unit"] == "字节" and wecom["fits"] is True and wecom["problem"] == ""
    assert rows["wecom-text"]["label"] == "企业微信 text" and "**" not in rows["wecom-text"]["text"]
    assert rows["wecom-text"]["limit"] == 2048
    assert feishu["label"] == "飞书 post" and feishu["text"].startswith("冬日品鉴会\n"), "the heading is the title"
    assert "报名（https://example.com/join）" in feishu["text"] and feishu["limit"] == 20 * 1024
    assert dingtalk["label"] == "钉钉 markdown" and dingtalk["limit"] == 20000
    assert dingtalk["length"] > len(dingtalk["text"].encode("utf-8")), "DingTalk counts the whole request body"
    assert slack["label"] == "Slack mrkdwn" and "*白牡丹2024*" in slack["text"]
    assert "<https://example.com/join|报名>" in slack["text"]
    assert telegram["label"] == "Telegram MarkdownV2" and "来啦\\~" in telegram["text"]
    assert telegram["unit"] == "字（UTF-16）" and telegram["length"] < len(telegram["text"])
    assert webhook["label"] == "通用 Webhook text" and "**" not in webhook["text"]
    for row in rows.values():
        assert "@所有人" not in row["text"], f"{row['channel']}: a mass mention is defused"
        assert row["fits"] and row["length"] <= row["limit"]


def test_a_post_too_long_for_a_channel_says_so_for_that_channel_only(client, auth, post_id):
    auth.login("editor")
    rows = previews(client, post_id, "白牡丹2024建议90℃冲泡。" * 300)  # 4,500 characters, 9,900 bytes
    over = {slug for slug, row in rows.items() if not row["fits"]}
    assert over == {"wecom-main", "wecom-text", "telegram-main", "sandbox-main"}
    wecom = rows["wecom-main"]
    assert wecom["length"] == 9900 and wecom["problem"] == "企业微信 markdown 超过 4096 字节（当前 9900）"
    assert rows["telegram-main"]["problem"] == "Telegram 消息超过 4096 字（当前 4500）"
    assert rows["sandbox-main"]["problem"].startswith("正文 4500 字，超过该渠道上限 4000 字")
    assert rows["feishu-main"]["fits"] and rows["dingtalk-main"]["fits"] and rows["slack-main"]["fits"]


def test_the_plain_preview_stays_sanitized_html_and_needs_a_login(client, auth, post_id):
    response = client.post("/preview", data={"body": "**粗体**<script>alert(1)</script>", "post_id": post_id})
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    auth.login("editor")
    result = client.post("/preview", data={"body": "**粗体**<script>alert(1)</script>"}).get_json()
    assert "<strong>粗体</strong>" in result["html"] and "<script" not in result["html"]
    assert "channels" not in result, "without a post there are no channels to show"
