"""Rendering: Markdown becomes sanitized HTML for the pages, and readable plain text."""
from studio.channels.dialects import to_plain_text
from studio.rendering import markdown_to_safe_html


def test_markdown_becomes_safe_html_and_readable_text():
    html = markdown_to_safe_html("# 标题\n**粗体** [链接](https://example.com)<iframe src=x></iframe>")
    assert "<strong>粗体</strong>" in html and "<iframe" not in html and 'rel="noopener noreferrer nofollow"' in html
    assert to_plain_text("- 一\n- 二\n\n**粗体**") == "• 一\n• 二\n\n粗体"
    assert "https://example.com" in to_plain_text("[链接](https://example.com)")
