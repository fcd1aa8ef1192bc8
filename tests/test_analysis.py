"""Analysis: normalisation, jieba words and the bigram recall tokens."""
from __future__ import annotations

import pytest

from policysearch import analysis


@pytest.fixture(autouse=True, scope="module")
def _cache(tmp_path_factory):
    analysis.configure(tmp_path_factory.mktemp("jieba-cache"))


@pytest.mark.parametrize("raw, norm", [
    ("ＧＤＰ增长", "gdp增长"),          # full-width Latin -> half-width, lower case
    ("５Ｇ网络", "5g网络"),             # full-width digits
    ("經濟發展", "经济发展"),           # traditional -> simplified
    ("二〇二四年", "二〇二四年"),       # 〇 kept
    ("𠮷野家㐀", "𠮷野家㐀"),           # ext-B and ext-A characters kept
    ("Running Policies", "running policies"),  # lower case, no stemming
])
def test_normalise(raw, norm):
    assert analysis.normalise(raw) == norm


def test_normalise_keeps_length_for_ordinary_text():
    text = "國務院關於ＧＤＰ的通知（２０２４）"
    assert len(analysis.normalise(text)) == len(text)


def test_offsets_map_expanded_characters_back():
    norm, origin = analysis.normalise_with_offsets("株㈱式")  # ㈱ -> (株)
    assert norm == "株(株)式"
    assert origin == [0, 1, 1, 1, 2]


def test_policy_words_are_whole():
    words = analysis.words(analysis.normalise("深化放管服改革，培育专精特新企业，发展新质生产力"))
    for word in ("放管服", "专精特新", "新质生产力"):
        assert any(word in w for w in words), words


def test_words_drop_punctuation_and_keep_latin_and_digits():
    words = analysis.words(analysis.normalise("ＧＤＰ增长５％，５Ｇ基站！"))
    assert "gdp" in words
    assert all(analysis.runs(w) for w in words)
    assert "，" not in words and "," not in words


@pytest.mark.parametrize("text, inner", [
    ("深化放管服改革", "管服"),          # not a dictionary word, still a bigram
    ("培育专精特新企业", "精特"),
    ("单位ＧＤＰ能耗", "gd"),
    ("５Ｇ网络", "g网"),
    ("二〇二四年", "〇二"),
    ("𠮷野家", "𠮷野"),
    ("㐀字", "㐀字"),
])
def test_every_substring_is_a_bigram(text, inner):
    assert inner in analysis.bigrams(analysis.normalise(text))


def test_bigrams_do_not_cross_punctuation():
    grams = analysis.bigrams("经济，社会")
    assert "济社" not in grams and "济," not in grams
    assert grams == ["经济", analysis.GAP, "社会"]


def test_single_character_run_is_its_own_token():
    assert analysis.bigrams("和 平") == ["和", analysis.GAP, "平"]


def test_no_stemming():
    assert "running" in analysis.words("running policies")
    assert analysis.bigrams("policies")[-1] == "es"


def test_analyse_gives_the_four_fields():
    tokens = analysis.analyse("關於５Ｇ", "深化放管服改革")
    assert set(tokens) == {"title_w", "body_w", "title_b", "body_b"}
    assert "5g" in tokens["title_w"] and "关于" in tokens["title_w"]
    assert "管服" in tokens["body_b"]


def test_stamp_names_jieba_and_dictionary():
    stamp = analysis.stamp()
    assert stamp["jieba"] and stamp["dictionary_sha1"] and stamp["analysis_version"]
