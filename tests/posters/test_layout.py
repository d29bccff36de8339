"""Line breaking by the Unicode rules plus 禁则, and fitting with a floor size and an ellipsis."""
import pytest

from studio.posters.layout import ELLIPSIS, NO_LINE_END, NO_LINE_START, break_lines, clusters, fit_text


def em(text: str) -> float:
    """Ideographs and full-width marks one em wide, ASCII half an em: how a CJK font sets them."""
    return sum(0.5 if ord(char) < 0x2E80 and char not in "…—“”‘’" else 1.0 for char in text)


def test_no_line_starts_with_closing_punctuation():
    text = "小茶来啦，今天立冬。给大家推荐一杯暖乎乎的白牡丹！记得用九十度左右的水，别烫它哦？好喝吗、好喝；是的：对（真的）《茶经》「好」『妙』“嗯”"
    for width in range(3, 14):
        for line in break_lines(text, width, em):
            assert line[0] not in NO_LINE_START, (width, line)


def test_no_line_ends_with_an_opening_bracket():
    text = "陈师傅说（老茶）要慢慢喝，《茶经》里也写过「水要沸」，“心要静”，【品鉴会】周五见"
    for width in range(3, 14):
        for line in break_lines(text, width, em):
            assert line[-1] not in NO_LINE_END, (width, line)


@pytest.mark.parametrize("run", ["19:30", "598", "¥598", "SKU-A12", "3.5kg", "50%", "2024", "WeCom"])
def test_numbers_times_and_codes_are_never_split(run):
    text = f"周五晚上品鉴会开席啦{run}大家准备好盖碗和好奇心就行{run}。"
    for width in range(4, 16):
        joined = "\n".join(break_lines(text, width, em))
        assert joined.count(run) == text.count(run), (width, joined)


def test_ideographs_break_anywhere_and_lines_fill_the_width():
    lines = break_lines("一二三四五六七八九十", 4, em)
    assert lines == ["一二三四", "五六七八", "九十"]


def test_a_closing_mark_pulls_the_previous_character_to_the_next_line():
    assert break_lines("一二三四。五六", 4, em) == ["一二三", "四。五六"]


def test_a_space_is_a_break_and_never_starts_a_line():
    assert break_lines("tea time at 19:30", 3, em) == ["tea", "time", "at", "19:30"]


def test_newlines_start_new_paragraphs():
    assert break_lines("第一段\n第二段", 10, em) == ["第一段", "第二段"]


def test_clusters_keep_double_marks_together():
    assert any("——" in piece for piece in clusters("好茶——慢慢喝"))
    assert any("……" in piece for piece in clusters("等等……好"))


def test_text_shrinks_before_it_overflows():
    fitted = fit_text("一二三四五六七八九十" * 2, 100, 100, lambda size: lambda t: em(t) * size,
                      max_size=40, min_size=10)
    assert not fitted.truncated
    assert fitted.size < 40
    assert len(fitted.lines) * fitted.line_height <= 100


def test_text_past_the_floor_size_ends_in_an_ellipsis():
    fitted = fit_text("一二三四五六七八九十" * 20, 100, 60, lambda size: lambda t: em(t) * size,
                      max_size=40, min_size=20)
    assert fitted.truncated and fitted.size == 20
    assert fitted.lines[-1].endswith(ELLIPSIS)
    assert all(em(line) * 20 <= 100 for line in fitted.lines)


def test_the_ellipsis_never_follows_a_comma_or_an_opening_bracket():
    fitted = fit_text("一二三四，（五六七八九十一二三四五六七八", 5, 1.3, lambda size: em, max_size=1, min_size=1)
    assert fitted.lines == ["一二三四…"]


def test_balanced_lines_are_even_and_no_more_than_greedy_ones():
    lines = fit_text("扫码预约周五品鉴会", 8, 10, lambda size: em, max_size=1, min_size=1, balance=True).lines
    assert lines == ["扫码预约周", "五品鉴会"]


def test_a_body_does_not_end_on_a_single_character_line():
    lines = fit_text("一二三四五六七八九", 4, 10, lambda size: em, max_size=1, min_size=1).lines
    assert lines == ["一二三四", "五六七", "八九"]


def test_a_title_breaks_at_its_phrases_when_that_takes_no_more_lines():
    lines = fit_text("新茶到货：白牡丹，寿眉", 6, 10, lambda size: em, max_size=1, min_size=1, balance=True).lines
    assert lines == ["新茶到货：", "白牡丹，寿眉"]


def test_the_rules_hold_with_the_real_font_at_every_width():
    from studio.posters.fonts import load_font

    text = ("周五晚上8点，冬日品鉴会准时开席！这周陈师傅带大家对比喝2024和2021两个年份的白牡丹（100g装168元），"
            "新茶清鲜、老茶蜜甜……到底差在哪里？《茶经》说：“水要沸，心要静”。SKU BMD-2024-100g，19:30签到，95折。")
    measure = load_font("regular", 40).getlength
    for width in range(330, 900, 37):  # wide enough for the longest code, which is cut only as a last resort
        lines = break_lines(text, width, measure)
        assert "".join(lines).replace(" ", "") == text.replace(" ", "")
        for line in lines:
            assert line[0] not in NO_LINE_START and line[-1] not in NO_LINE_END, (width, line)
            assert measure(line.rstrip("，。")) <= width + 0.5, (width, line)  # only a closing mark may hang
        for run in ("19:30", "BMD-2024-100g", "168", "2024", "95"):
            assert run in "\n".join(lines), (width, run)


def test_a_code_wider_than_the_line_is_cut_but_its_comma_still_does_not_start_a_line():
    lines = break_lines("SKU-ABCDEFGH，好", 2, em)
    assert all(line[0] not in NO_LINE_START for line in lines)
    assert "".join(lines) == "SKU-ABCDEFGH，好"
