"""Archive files of one article each (20230412-05-02.txt): headline lines, then paragraphs
indented with full-width spaces. One file is one article; the title is the headline lines
only, and lead lines printed without an indent (核心阅读, 编者的话, a summary) go to the body.
The texts are invented."""
from __future__ import annotations

import re

from policysearch.readers.text import read_text

IND = "\u3000\u3000"


def _one(text: str, name: str = "2023/04/20230412-05-02.txt"):
    articles = read_text(text, name)
    assert len(articles) == 1, [a.title for a in articles]
    return articles[0]


def _flat(text: str) -> str:
    return re.sub(r"\s", "", text)


def test_summary_under_core_reading_goes_to_the_body():
    text = ("向海图强 蓝色经济提速\n——沿海某省推进海洋产业高质量发展\n核心阅读\n"
            "海洋渔业转型升级，深远海养殖平台陆续投用，海上风电装机规模持续扩大\n"
            f"{IND}本报记者　林晓风\n"
            f"{IND}清晨六点，渔港码头已是一片繁忙。一艘艘渔船靠岸，冷链车早已在岸边等候。\n"
            f"{IND}据介绍，全省今年将新建深远海养殖平台十余座，带动渔民增收。\n")
    article = _one(text)
    assert article.title == "向海图强 蓝色经济提速——沿海某省推进海洋产业高质量发展"
    assert article.body.startswith("核心阅读\n海洋渔业转型升级，")
    assert article.body.endswith("带动渔民增收。")
    assert article.byline == "本报记者 林晓风"
    assert article.date == "2023-04-12" and article.doc_type == "新闻"


def test_editors_note_above_the_headline_goes_to_the_body():
    text = ("编者的话\n乡村要振兴，产业是关键。本版今起推出系列报道，记录各地发展特色产业的实践。\n"
            "山坳里长出“金果子”\n"
            f"{IND}本报记者　苏明远\n"
            f"{IND}走进某县的猕猴桃种植基地，枝头挂满了果实。今年亩产预计突破两千公斤。\n"
            f"{IND}近年来，当地引进新品种，还建起了冷库和分拣中心。\n")
    article = _one(text, "20230415-07-01.txt")
    assert article.title == "山坳里长出“金果子”"
    assert "编者的话" in article.body and "本版今起推出系列报道" in article.body
    assert _flat(article.body + article.title).count("猕猴桃") == 1


def test_summary_lines_without_a_marker_are_not_title():
    text = ("算力网络织密织牢\n"
            "新建数据中心机架超过十万个，智能算力占比提高，东数西算工程加快落地\n"
            f"{IND}本报记者　陈可欣\n"
            f"{IND}在西部某数据中心集群，一排排机柜整齐排列。运维人员介绍，园区已实现绿电直供。\n"
            f"{IND}下一步，当地将继续完善算力调度平台。\n")
    article = _one(text)
    assert article.title == "算力网络织密织牢"
    assert article.body.startswith("新建数据中心机架超过十万个")


def test_feature_with_bylined_sub_stories_is_one_article():
    text = ("劳动者之歌\n"
            f"{IND}编者按：在平凡的岗位上，他们用汗水书写不平凡。今天，我们走近三位普通劳动者。\n"
            f"{IND}桥梁上的“蜘蛛人”\n{IND}本报记者　周启航\n"
            f"{IND}五十米高的桥塔上，检修工老刘系好安全绳，开始一天的巡检。\n"
            f"{IND}深夜里的“守灯人”\n{IND}本报记者　吴静雅\n"
            f"{IND}凌晨两点，变电站的值班室依然亮着灯。值班员小王盯着屏幕，记录每一项数据。\n"
            f"{IND}田野上的“新农人”\n{IND}本报记者　郑春生\n"
            f"{IND}返乡创业的大学生小李，用无人机给麦田喷洒农药，一天能作业三百亩。\n")
    article = _one(text, "20230501-06-01.txt")
    assert article.title == "劳动者之歌"
    for part in ("桥梁上的“蜘蛛人”", "周启航", "吴静雅", "一天能作业三百亩。"):
        assert part in article.body
    assert "深夜里的“守灯人”" in article.subheadings


def test_kicker_and_main_headline_stay_the_title():
    text = ("绿色低碳转型\n某市加快构建清洁能源体系\n"
            f"{IND}本报记者　钱思远\n"
            f"{IND}记者日前从市发展改革委获悉，全市可再生能源装机容量已占总装机的一半以上。\n"
            f"{IND}下一步，该市将继续推进分布式光伏建设。\n")
    article = _one(text, "20230502-01-04.txt")
    assert article.title == "绿色低碳转型 某市加快构建清洁能源体系"
    assert article.body.startswith("本报记者 钱思远\n记者日前")


def test_the_same_sub_stories_without_an_archive_name_are_still_a_page():
    text = ("桥梁上的“蜘蛛人”\n本报记者　周启航\n"
            "五十米高的桥塔上，检修工老刘系好安全绳，开始一天的巡检。他说，每一颗螺栓都要看仔细。\n"
            "深夜里的“守灯人”\n本报记者　吴静雅\n"
            "凌晨两点，变电站的值班室依然亮着灯。值班员小王盯着屏幕，记录每一项数据。\n")
    assert len(read_text(text, "page.txt")) == 2
