"""Rendering: sanitized HTML, and mass mentions that notify nobody."""
from studio.channels.dialects import to_plain_text
from studio.channels.mentions import defuse_mass_mentions
from studio.rendering import markdown_to_safe_html


def test_mass_mentions_are_defused_inside_chinese_text():
    text = "@所有人请注意，@全体成员今晚8点，@all see you，<at user_id=\"all\">，email me@allen.cn"
    safe = defuse_mass_mentions(text)
    for mention in ("@所有人", "@全体成员", "@all ", "<at user_id"):
        assert mention not in safe
    assert "＠所有人请注意" in safe and "me@allen.cn" in safe


def test_markdown_becomes_safe_html_and_readable_text():
    html = markdown_to_safe_html("# 标题\n**粗体** [链接](https://example.com)<iframe src=x></iframe>")
    assert "<strong>粗体</strong>" in html and "<iframe" not in html and 'rel="noopener noreferrer nofollow"' in html
    assert to_plain_text("- 一\n- 二\n\n**粗体**") == "• 一\n• 二\n\n粗体"
    assert "https://example.com" in to_plain_text("[链接](https://example.com)")
