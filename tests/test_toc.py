"""Tables of contents of long documents and the sections they cut the body into."""
from __future__ import annotations

from policysearch import toc

FILLER = "各项工作稳步推进，取得明显成效。" * 40


def report() -> str:
    return "\n".join(["市政府工作报告", "各位代表：", FILLER,
                      "一、过去一年工作回顾", FILLER,
                      "（一）经济运行稳中有进。全年地区生产总值增长百分之五。" + FILLER,
                      "（二）改革开放持续深化", FILLER + "新能源产业快速发展。",
                      "二、今年主要任务", FILLER,
                      "（一）着力扩大有效需求。新能源汽车消费持续增长。", FILLER,
                      "三、加强政府自身建设", FILLER])


def test_headings_of_two_levels_named_by_their_first_sentence():
    headings = toc.outline(report())
    assert [(h["level"], h["title"]) for h in headings] == [
        (1, "一、过去一年工作回顾"), (2, "（一）经济运行稳中有进"), (2, "（二）改革开放持续深化"),
        (1, "二、今年主要任务"), (2, "（一）着力扩大有效需求"), (1, "三、加强政府自身建设")]
    assert all(report()[h["start"]:].startswith(h["title"][:4]) for h in headings)


def test_short_texts_and_lists_not_starting_at_one_get_no_outline():
    assert toc.outline("一、甲\n二、乙\n三、丙") == []
    assert toc.outline(FILLER + "\n三、丙\n四、丁\n五、戊\n" + FILLER) == []


def test_sections_cover_the_body_and_count_their_matches():
    text = report()
    headings = toc.outline(text)
    parts = toc.sections(text, headings, ["新能源"])
    assert [p["id"] for p in parts] == [None] + [h["id"] for h in headings]
    assert sum(p["matches"] for p in parts) == 2
    by_id = {h["id"]: h["matches"] for h in headings}
    assert by_id["sec-3"] == 1 and by_id["sec-5"] == 1 and by_id["sec-1"] == 0
    plain = "".join(p["html"].replace("<mark>", "").replace("</mark>", "") for p in parts)
    assert plain.replace("\n", "") == text.replace("\n", "")
