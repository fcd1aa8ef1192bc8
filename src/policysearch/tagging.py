"""Tagging: the subject provinces, the industries and a completed date for each article.

The stage runs once per article while indexing, after the readers, so it reads only what an
article carries (title, byline, body, and any facet the reader took from file metadata) and
keeps everything it loads in one process-wide cache.

Provinces. One left-to-right scan of the text (a dict probe per position) finds every name of the
gazetteer (data/places.tsv, generated from the national division codes; data/regions.tsv for
zones, landmarks and regional names) together with the words that merely contain a place name
(data/place_traps.tsv, data/not_places.tsv: 孙中山, 长安汽车, 朝阳产业 ...). The longest word
wins at each position, so a trap hides the place inside it. Each mention is then weighed as a
careful reader would: the title and the lead weigh most, a paragraph that opens on the place
gives it substance, a place named only as the venue of a meeting (在北京举行) or as one item
of a long list counts for little, and a short county name (金寨, 阜平) or a name shared by
several provinces (朝阳, 鼓楼区, 兴安) only backs up a province the article names otherwise.
A province is a subject when its weight clears a threshold and is not dwarfed by the main one.
The clause that says where the subject lies (位于四川省…和云南省…) makes its provinces subjects;
a document sent to every province (各省、自治区、直辖市人民政府：) is national, so only its title
names subjects; a name that stands for a province only in context (首都) counts where the
article names that province too; a person's post (天津中医药大学校长; 北京市委书记某某 counts
as little as a list item), a foreign state (别尔哥罗德州), compatriots (台湾同胞), a street (嘉兴路街道)
and a paper or station quoted as a source (据四川日报报道) name no province. A provincial
delegation at the national sessions (参加内蒙古代表团审议) names its province, and Beijing where
it sits is a venue.

Round-ups and surveys (../shared/dev/LABELS.md, "Round-ups"): a 快讯 page is read item by
item, each item judged on its own under its headline. A survey of several regions (a title or
headline with 各地, 多地, 全国 or 我国, or a news item under a title naming no single province
that makes two places or more each the topic of a sentence of its own) makes a subject of every
place it gives a full sentence of its own: the sentence names it near its start and no other province
(黑龙江绥芬河市启动全民核酸检测…; 在天津，…). A bare list (北京、上海、广东等地) says nothing
about each and makes none; a counted list (湖南、湖北、江西三省成立…, 四川、重庆…9省市耕地受旱) names the
parties of what its sentence tells, each acting, and makes each a subject. Under a title with
我国 or 全国 one example illustrates the national news; two or more make a survey.

Where LABELS.md is silent, these choices were made (and are what the rules do):
- a clause of a montage (在河南开封，游客…；在湖南长沙，…) shares its sentence and is no
  sentence of its own; a full sentence is, and so is a clause after a semicolon whose actor is
  the place: it opens the clause, after a date at most (江西赣州市压实…；甘肃敦煌健全…；5月19日，
  辽宁大连中小学全部返校复学), unless people of the place act (四川眉山志愿者…包粽子: a vignette);
- a list of three provinces or more says nothing about each, in the lead too (湖北、安徽等地, 北京、
  上海、广东出台…), except where a weather or disaster report (its title or first lines say so;
  temperatures and gales are weather) names the hit (湖北、安徽、河南出现强降雨, 陕西、山西、内蒙古等地
  降温幅度超过10℃: a list closed by 等地 whose sentence measures what hit them, or says them hit:
  湖南、贵州、广西、重庆等地受灾严重; smog and fog are weather); there each province with a sentence
  of its own is hit, and a forecast (预计, 将迎来, 未来三天) hits nobody, in the lead neither
  (预计台风将登陆台湾和福建);
- in a survey a visit to a place (某某近日在南宁作宣讲报告, 在某地考察) makes it a subject as an
  inspection does; under an appointment title (某省区党委主要负责同志职务调整) every province whose
  post changes is a subject, while elsewhere a post names none (北京市委书记某某宣读贺信);
- a speaker's home (浙江嘉兴党员某某：“…”) and where listed people come from (来自台北、高雄、澳门的
  青年) say nothing of the place;
- the announcement of a programme or a drama (电视剧《某某》今晚开播, 《今日中国》播出甘肃篇,
  《走进县城看发展》明天走进吉林抚松) names no province: the broadcast is the news, not what it
  depicts (the blind sets' convention; one dev label reads otherwise);
- two full sentences about a province in the body make it a subject, as the title or lead does,
  and so does a paragraph of its own (80 characters or more, opening on the place or with a first
  sentence that is the place's own), however strong the main place is (LABELS.md: "a full
  paragraph of substance");
- a sentence is a place's own when the place is its only province and is named in its first 12
  characters, or in its first 24 with at most one comma and no list of names before it
  (眼下，在…的河北南和，…);
- a local event held in a place (黄帝故里拜祖大典在河南新郑举行, a festival named after its city:
  哈尔滨国际冰雪节, 南京国际梅花节) is the place's own news; a meeting, a forum, a fair or a national
  body's event held there (广交会在广州举办, 兰州旅游年在北京拉开帷幕) is a venue; multi-sport games
  opened or closed there (全国冬季运动会在呼伦贝尔开幕, 北京冬残奥会开幕式) are the host's own event
  (the dev labels' Urumqi precedent), and a future host (下届将于2020年在内蒙古举行) is a mention;
- a place the title gives as the venue (全国政协会议在京开幕, 某论坛在北京举行) is a venue in the
  body too (三月的北京… sets the scene), and so is Beijing under the title of talks with a foreign
  leader; a games zone (广东赛区) is a venue, a provincial team (浙江队) a body of people;
- a weather or disaster report makes a survey of the hit only under a title that names no
  province: under 习近平在北京河北考察灾后… a past visit elsewhere is background;
- under a title naming a province, other places given a sentence each are its background, and
  in a long feature (past 2,000 characters) an example needs a paragraph of its own;
- the ends of a route (开通至广州的航线, 北京—利雅得, 从成都出发, 起自北京, 从香港开车到珠海、澳门)
  and the place of a signing (在北京签署) are not subjects; a city after its province shares its part (在云南昆明出席
  is a venue as 在昆明出席 is); a landmark spanning provinces (秦岭, 祁连山) counts for each of them,
  but 港珠澳大桥 is a Guangdong landmark (its works and ports lie in 珠海; Hong Kong and Macao
  count where named themselves);
- a county's short name of three characters or more (满洲里, 绥芬河, 霍尔果斯) stands on its own,
  and a river's name (永定河北京段, 黄河南岸) hides no 河北 or 河南;
- national bodies named after a city (酒泉卫星发射中心, 上海证券交易所) name no place, nor does a
  university or college (北京语言大学), nor a route's name (京港澳高速, 青藏铁路: the section
  where the work is names the province), nor a clipped foreign name (乌海军, the Ukrainian navy).

Industries. Terms of data/industries.tsv are found by the same kind of scan, sentence by sentence;
a term counts fully where its sentence gives it substance (a figure, a project, a measure) and
little inside a bare list or a law's name (《证券投资基金法》), and the title counts most. A single
sentence past the lead of a longer article is a passing mention; a long document (a notice, a
plan) needs more evidence and a larger share of the strongest industry (up to half of it: a list
of measures gives the industries it develops, not every one it names), and there words of every
field alone (房屋, 药品 in a hospital's rules) make nothing. One sentence with one strong term
and a figure is not yet enough: the term in the title, its own figure (产量增长20%), a second
term of the industry or a second sentence is. A word of every field (互联网, 工业, 游客) never
makes an industry alone, and using a tool (运用大数据) or naming a ministry, a social-insurance
fund or 农民工 says nothing of one. Stories whose field is not an industry (talks with a foreign
leader, police, courts, the military, hospitals, fire and rescue, storms, floods and earthquakes,
honours) count their body at half unless the title names the industry, and so does such an item
of a round-up.

Where LABELS.md is silent about industries, these choices were made:
- an official document (国务院关于…的通知, …的答复) says in its title what it regulates: one whose
  title names a field that is not an industry (taxes, health care, schools, employment, the
  government's own work, honours, number plates) and no industry regulates none, however often
  its body names housing loans, drugs or vehicles;
- in a long document one sentence of substance of its own (the term outside any list, in a
  sentence with a figure, a project or a measure) lifts an industry over the relative floor,
  and its bar rises with the fourth root of the length rather than the square root: a
  government work report gives most industries figures and projects of their own (a leave-one-
  file-out logistic fit over the rules' own evidence said as much: the score, not its ratio to
  the length-scaled bar, separates the industries a report develops);
- a list is read clause by clause: 推进大飞机规模化系列化发展 says something of its industry even in
  a sentence that lists others, and a clause listing three industries (集成电路、生物医药、人工智能等)
  says nothing of each;
- a term right after 使用, 运用, 利用, 借助, 依托, 采用 or 应用 is a tool another field uses
  (使用人工智能和虚拟现实技术 in a gala) and names no industry;
- a word of industry as a whole right after an industry's own term (电子信息制造业, 钢铁工业) names
  that industry, not 制造业;
- foreign investment (外资) is not trade; vaccination (接种疫苗) is health, vaccines made are
  生物医药; spaceflight (载人航天, 空间站, 飞船) is 装备制造 (航空航天), and its programme names
  (神舟, 嫦娥, 北斗) mark a story as domestic;
- each item of a round-up is judged on its own, with its own length (a page of twenty items does
  not raise the bar of each), and a drama or an entertainment programme announced is 文化旅游
  news (影视), a political documentary or a news special is not;
- a product's word followed by its sector (药品制造业, 计算机通信设备制造业, 中药工业) names the
  industry as a term of its own does: statistics by sector (税收, 外资 by industry) give each
  sector its figure;
- the vocabulary follows LABELS.md's coverage column in the words news items use: 装备制造 for
  通用/专用设备, 电气机械, 盾构机, 首台套, lunar and planetary probes (探月, 嫦娥, 天问); 生物医药 for
  新药, 创新药, 中药工业, 集采, 医保目录 (a drug-list negotiation is about the drugs); 文化旅游 for
  festivals of the arts, premieres, plays and museums; 节能环保 for 固体废物, 超低排放; 能源 for
  输电 and 变电站;
- 制造业 in a sentence that names a sector of manufacturing (钢铁工业增加值增长…, 计算机通信设备
  制造业税收增长) counts at half there: the sentence measures the sector, not manufacturing as a
  whole.

Dates. Only when the reader found no full date, and with the readers' own date functions
(policysearch.dates): a dateline (新华社北京1月31日电, 本报北京…电) or a full date near the top,
never a target year (到2026年, 2024—2026年); a month and day complete the year the reader
already had, and no year is ever guessed.

Text is read in simplified script with ASCII digits and letters (廣東, ５Ｇ), as are the
data files, so either script matches.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from policysearch import dates
from policysearch.article import Article

PROVINCES = ("北京 天津 河北 山西 内蒙古 辽宁 吉林 黑龙江 上海 江苏 浙江 安徽 福建 江西 山东 河南 "
             "湖北 湖南 广东 广西 海南 重庆 四川 贵州 云南 西藏 陕西 甘肃 青海 宁夏 新疆 香港 澳门 "
             "台湾").split()

# --- weights of the province evidence (tuned on dev/labels.jsonl as a whole, not per article,
# and checked on bench items labelled by hand against LABELS.md)
TITLE_WEIGHT = 6.0
LEAD_WEIGHT = 4.0
PARAGRAPH_TOPIC_WEIGHT = 3.0
SENTENCE_WEIGHT = 1.0
LIST_FACTOR = 0.3        # one item of a list of places (北京、上海、广东等地)
VENUE_FACTOR = 0.2       # 在北京举行 / 在上海开幕: where, not what
LIST_MIN = 3             # distinct provinces that make a list in the body
HIT_LIST_MIN = 5         # ... in the lead of a weather or disaster report, where a short list names the hit
LEAD_MONTAGE_MIN = 5     # provinces in a lead that tours them (a montage names no subject)
LEAD_CHARS = 80          # the lead runs to about this many characters (at most 3 sentences)
PARAGRAPH_OPENING = 8    # a paragraph that names the place this early is about it
MAX_SENTENCES = 8           # sentences that add weight, per province
MAX_PARAGRAPHS = 3          # paragraphs that add weight, per province
SUBJECT_THRESHOLD = 2.0       # two full sentences of its own in the body; the lead or title alone
RELATIVE_THRESHOLD = 0.25   # of the strongest province's weight
ROUNDUP_ITEM_CHARS = 300    # items of a round-up are short; sections of an article are not
MANY_PROVINCES = 6          # a unit with this many subject-like provinces is a national round-up
EXAMPLES_MIN = 2            # names in a list closed by 等 (北京、上海等地) that give examples
SURVEY_MIN = 2              # places each given a sentence of its own that make a survey of regions
SURVEY_MAX_CHARS = 2000     # ... in a news item; a long feature's examples need a paragraph
OWN_SENTENCE_OPENING = 12   # a sentence whose first characters name the place is about it ...
OWN_SENTENCE_CHARS = 20     # ... when it says something (is this long)
OWN_PARAGRAPH_CHARS = 80    # a paragraph of one place this long is substance of its own

# Levels of places.tsv whose names stand on their own; "county-short" (金寨) and
# "district-stem" (朝阳 for 朝阳区) need the article's other names to back them up.
STRONG_LEVELS = {"province", "prefecture", "prefecture-short", "county"}

# Where the subject of the article lies (位于甲省某州某县和乙省某市某县境内), said near
# the top: each province of the clause is a subject.
_LOCATED = re.compile(r"(?:位于|地处|坐落于|坐落在)[^，,;。；！？\n]{0,40}")
LOCATED_CHARS = 400
_NATIONAL_TITLE = re.compile(r"各地|多地|我国|全国")
_SURVEY_TITLE = re.compile(r"各地|多地|多省|各省")
_IN_THE_CAPITAL = re.compile(r"[在于]京(?:举行|召开|开幕|闭幕|举办|隆重|成立|会见|会谈|出席|开展|发布)")
_DIPLOMACY_TITLE = re.compile(r"(?<!博)会见|会谈|会晤|通电话|国事访问|正式访问|递交国书")
_NATIONAL_ADDRESSEE = re.compile(r"各省、\s*自治区、\s*直辖市")  # 各省、自治区、直辖市人民政府，国务院各部委
NATIONAL_ADDRESSEE_CHARS = 200
# weather and disasters (LABELS.md): each province the report gives a sentence of its own is hit
_DISASTER = re.compile(r"气温|雾霾|大雾|降温|升温|大风|降雨|暴雨|降雪|暴雪|雨雪|寒潮|冷空气|台风|洪水|洪涝|汛情|地震|干旱|旱情|抗旱|高温|强对流|冰雹|沙尘|灾")
# the announcement of a programme or a drama (电视剧《天涯热土》今晚开播, 《今日中国》播出甘肃篇): what
# it depicts is not the news, the broadcast is
_PROGRAMME_TITLE = re.compile(r"(?:电视剧|纪录片|专题片|节目|动画片|《[^》]{1,20}》)[^，,;。]{0,12}?(?:播出|开播|播映|首播|热播|上线)")
_BROADCAST = re.compile(r"节目|栏目|纪录片|电视剧|播出|开播|首播")  # 《走进县城看发展》明天走进吉林抚松: a programme
PROGRAMME_CHARS = 60
PROGRAMME_INDUSTRY = "文化旅游"  # a programme or a drama announced is 影视 news ...
_NEWS_PROGRAMME = re.compile(r"政论|专题片|纪录片|特别节目|新闻频道")  # ... not a political documentary or a news special
# 四川眉山志愿者和留守儿童一起过端午: people of the place acting, a vignette (README-cctv conv. 1)
_PEOPLE_AFTER = re.compile(r"[^，,。；;、]{0,6}?(?:志愿者|居民|群众|市民|村民|游客|孩子|学生|党员|官兵|家庭|人们)")
_CLAUSE_TIME = re.compile(r"^(?:\d{1,2}月\d{1,2}日|今天|昨天|目前|同时|此外|另外)[，,]?")
_APPOINTMENT_TITLE = re.compile(r"职务调整|职务任免|人事任免|任免名单|主要负责同志(?:调整|任免)")
_VISIT_AFTER = re.compile(r"[^，,。；;]{0,6}?(?:考察|调研|宣讲|作宣讲|作报告|视察|走访|督导|检查指导)")
# a forecast (LABELS.md, weather: the provinces the report says are hit; README-cctv conv. 2)
_FORECAST = re.compile(r"预计|预报|将迎来|将出现|将有|可能出现|未来[一二两三四五六七八九十\d]*[天日]")
_HIT_MEASURE = re.compile(r"\d+(?:\.\d+)?\s*(?:℃|摄氏度|度|毫米|厘米|万亩|亩|万人|人|级)")
_HIT_DAMAGE = re.compile(r"受灾|成灾|灾情|受损|被淹|内涝|遭遇|遭受|袭击")  # 湖南、贵州、广西、重庆等地受灾严重: said hit
_LOCAL_EVENT_VERB = re.compile(r"^[^，,;。；]{0,14}?(?:举行|举办|开幕|闭幕|落幕|拉开帷幕|揭幕|启幕)")
_GATHERING = re.compile(r"会议|论坛|峰会|博览会|展览会|交易会|洽谈会|[交博展洽]会|大会|年会|发布会|座谈会|研讨会|对话|会见|会谈|会晤|签约|"
                        r"签署|颁奖|开幕式|闭幕式|全国|国际|世界|中国|两岸|党|政府|部|委员会|团|总台|央视")
# multi-sport games are the host's own event (the dev labels' Urumqi precedent): their opening or
# closing held in a place makes it a subject; a meeting or a fair held there does not
_GAMES = re.compile(r"运动会|奥运会|冬奥会|残奥会|亚运会|亚残运会|大运会|全运会|青运会|民运会|冬运会")
_HOSTED_GAMES = re.compile(r"^(?:\d{4}年)?(?:冬奥|奥运|冬残奥|残奥|亚运|亚残运)会?[^，,;。；]{0,3}?(?:开幕|闭幕)")
_ROUNDUP_TITLE = re.compile(r"快讯|简讯|短讯|速递|速览|一览|要闻|集锦|新闻联播")
_SENTENCE_END = re.compile(r"[。！？；!?;]+|\n+")
_FULL_STOP = re.compile(r"[。！？!?]+|\n+")     # the lead is counted in full sentences
_POST_AFTER = re.compile(r"[^，。、；\s]{0,8}?(?:书记|省长|市长|县长|区长|主席|厅长|局长|代表|委员)(?![会团])")
_EXAMPLES_AFTER = re.compile(r"[^，,;。；、\d]{0,6}?等(?:地|多地|省|省份|省区|城市|市|区|地区|赛区)")
# an exhaustive list counted after its last name (湖南、湖北、江西三省, 川渝两地): the parties of
# what the sentence tells, each of them acting (LABELS.md: a province's own action)
_PARTIES_AFTER = re.compile(r"[^，,;。；、\d]{0,6}?(?:两|三|四|五|六|七|八|九|十|\d+)个?(?:省|地|市|省区|省市|省区市|省份)(?!以上)")
PARTIES_MAX = 6
_LIST_JOINERS = {"、", "和", "与", "及", "以及", "，", "、以及"}
_COUNTED_LIST = re.compile(r"^[^，,;。；]{0,10}?等(?:全国|全省)?(\d+|[一二三四五六七八九十两]+)个?(?:省|地|市|城市|国家|个?入选|项目|处|家|所|座)")
_VENUE_AFTER = re.compile(r"^[^，,;。；]{0,14}?(举行|召开|开幕|闭幕|举办|落幕|开赛|展开|拉开帷幕|揭幕|启幕|首映|会见|会谈|"
                          r"会晤|出席|参加|主持|揭晓|颁奖|启动|发布|签署|签订)|^期间")
# 参加内蒙古代表团审议: at the national sessions the delegation stands for its province
_SESSION_DELEGATION = re.compile(r"代表团(?:审议|讨论|全体会议|开放)")
# A sentence about 1949 or before tells history; one about a person's past posts or birthplace
# tells a career (曾任, 历任, 时任, 原总经理): neither makes the place a subject.
_SPEAKER_AFTER = re.compile(r"[^，,;。；、：:\n“”\"]{0,16}?[：:]\s*[“\"]")
_COMING_FROM = re.compile(r"来自([^，,;。；：:\n]{0,20}?[、和及])?$")  # ... a list of them
_HISTORY = re.compile(r"(?<!\d)1[6-9][0-4]\d年|曾任|历任|时任|曾在|出生|生于|籍贯|"
                      r"原(?:任|总经理|董事长|党委|党组|副|省长|市长|主任|书记|局长|厅长)")
_VENUE_BEFORE = re.compile(r"(在|于|赴|到|抵达)(?:中国|我国)?$")
# a point on someone's way or the far end of a route (开通至广州和日本的航线, 发往欧洲)
_LEAVING_BEFORE = re.compile(r"(离开|途经|经停|飞离|抵达|飞抵|返抵|返回|回到|开往|飞往|发往|驶往|运往|销往|开通至|开通到|开行至|直达|"
                             r"起自|起于|终至|止于)$")
_ROUTE_TO = re.compile(r"^[—–－-]{1,2}(?=[\u4e00-\u9fff])")         # 北京—利雅得航线
_ROUTE_FROM = re.compile(r"(?<=[\u4e00-\u9fff])[—–－-]{1,2}$")       # 利雅得—北京
_ROUTE_ON = re.compile(r"^[^，,。；;]{0,8}?[到至]")
_ROUTE_FROM_TO = re.compile(r"从[^，,。；;]{1,14}?[到至][^，,。；;]{0,8}$")
_SETTING_OUT = re.compile(r"^[^，,;。；]{0,10}?(?:出发|起飞|启程|启航|始发|起运|飞赴|飞往|奔赴|赶赴)")
_EVENT_AFTER = re.compile(r"^(?:峰会|论坛|会议|大会|博览会|世博会|赛区|(?:\d{4}年)?(?:冬奥|奥运|冬残奥|残奥|亚运|亚残运|世园)|天安门|人民大会堂|"
                          r"国际[^，,;。]{0,6}?(?:展|会|赛)|时间|"
                          # 南京青奥会, 北京国际图书博览会, 北京对话; 北京中国国际展览中心: an event or a
                          # hall named after its city (not 四川省旅游发展大会: the province's own)
                          r"[^，,;。；、省市县区]{0,8}?(?:峰会|论坛|博览会|展览会|交易会|青奥会|年会|对话)|"
                          r"[^，,;。；、]{0,8}?(?:展览中心|会展中心|会议中心|宾馆|饭店))")
_OWN_BODY_AFTER = re.compile(r"^(?:省|市|自治区|区|县)?(?:委|政府|人大|政协|党委|人民政府|代表团)")
_NOT_A_PLACE_AFTER = re.compile(r"^(?:[”\"」』]?(?:湖)?(?:号|舰)|队|籍|社团|同乡|同胞|商会|代表团|"
                                r"(?:路|街)(?:街道|社区)|日报|晚报|卫视|电视台|[\u4e00-\u9fff]{0,3}?(?:大学|学院)(?!城)|师范|理工|医院|军区|"  # 台湾同胞: people; 嘉兴路街道: a street
                                r"人[，,。；、（(])")  # 广东香山人，: where a person was born
_PERSON_TITLE_AFTER = re.compile(r"[^，,;。、；\s]{0,6}?(?:大学|学院|医院|研究院|研究所|小学|中学)[^，,;。、；\s]{0,6}?"
                                 r"(?:校长|院长|所长|党委书记|教授|研究员|主任医师|主任|社长|总编辑)")
# Characters that end the syllable before 州 in transliterated foreign names; a Chinese name
# before 德州, 达州, 通州 is a province or prefecture (山东德州, 四川达州), never one of these.
_TRANSLITERATION = frozenset("尔罗斯克特拉纳亚哥夫基维利里华多尼塞诺萨瓦")
_DATELINE = re.compile(
    r"(?:新华社|中新社|本报|本台|央视网|人民网|央广网|光明网|中国日报)?(?:记者)?"
    r"[\u4e00-\u9fff]{0,8}?(?:\d{4}年)?(\d{1,2})月(\d{1,2})日(?:电|讯)")
_CCTV_HEAD = re.compile(r"(?:央视网|中国网络电视台)消息\s*[（(][^）)]{0,12}[）)]\s*[：:]?(?:本台消息，?)?")
_REPORTER = re.compile(r"[（(](?:记者|通讯员)[^）)]{0,24}[）)]")


@dataclass
class Place:
    provinces: frozenset[str]
    strong: bool                    # can name a province on its own


@dataclass
class _Data:
    places: dict[str, Place]
    place_scanner: _Scanner
    terms: dict[str, list[tuple[str, float]]]
    term_scanner: _Scanner


def _data_lines(name: str):
    """The rows of a data file, in the same script the articles are read in (see _Simplified)."""
    text = resources.files("policysearch").joinpath("data", name).read_text(encoding="utf-8")
    text = text.translate(_SIMPLIFIED)  # 乾安县 and 著 stay comparable with the article text
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            yield line.split("\t")


class _Scanner:
    """Finds the words of a fixed vocabulary in a text, longest first at each position, left to
    right without overlaps. One set probe of the two characters at each position (every word has
    at least two), and only where some word starts with them a probe per word length: with
    thousands of names this is several times faster than one big regex alternation."""

    def __init__(self, words) -> None:
        self.words = frozenset(words)
        if any(len(word) < 2 for word in self.words):
            raise ValueError("a vocabulary word of one character would match everywhere")
        self.pairs = frozenset(word[:2] for word in self.words)
        lengths: dict[str, set[int]] = {}
        for word in self.words:
            lengths.setdefault(word[0], set()).add(len(word))
        self.lengths = {ch: sorted(ls, reverse=True) for ch, ls in lengths.items()}

    def finditer(self, text: str):
        """Yield (start, end, word) for each word found."""
        i, n, words, pairs, lengths = 0, len(text), self.words, self.pairs, self.lengths
        while i < n:
            if text[i:i + 2] in pairs:
                for size in lengths[text[i]]:
                    if text[i:i + size] in words:
                        yield i, i + size, text[i:i + size]
                        i += size
                        break
                else:
                    i += 1
            else:
                i += 1


def _distinctive(name: str, level: str) -> bool:
    """A county's short name of three characters or more (满洲里, 绥芬河, 霍尔果斯) is no piece of
    common words, as 金寨 or 大新 may be: it stands on its own. One ending in 县 or 族 (河南县 in
    河南县域, 东乡族 the people) does not."""
    return level == "county-short" and len(name) >= 3 and not name.endswith(("县", "族"))


@lru_cache(maxsize=1)
def _load() -> _Data:
    found: dict[str, tuple[set[str], bool]] = {}
    for name, province, level, _code in _data_lines("places.tsv"):
        provinces, strong = found.setdefault(name, (set(), False))
        provinces.add(province)
        found[name] = (provinces, strong or level in STRONG_LEVELS or _distinctive(name, level))
    for name, provinces, kind in _data_lines("regions.tsv"):
        found[name] = (set(provinces.split(",")), kind not in ("backup", "titled"))
    for word, *_ in list(_data_lines("place_traps.tsv")) + list(_data_lines("not_places.tsv")):
        found.setdefault(word, (set(), False))  # a trap never hides a real division name
    places = {n: Place(frozenset(p), strong) for n, (p, strong) in found.items()}

    terms: dict[str, list[tuple[str, float]]] = {}
    for industry, term, weight in _data_lines("industries.tsv"):
        entries = terms.setdefault(term, [])
        if industry != "-":
            entries.append((industry, float(weight)))
    return _Data(places, _Scanner(places), terms, _Scanner(terms))


# --- provinces -------------------------------------------------------------------------------

@dataclass
class _Mention:
    start: int
    end: int
    name: str
    place: Place
    chain: int = -1     # where a run of names that follow each other starts (云南昆明: at 云南)


@dataclass
class _Evidence:
    score: float = 0.0
    sentences: set[int] = field(default_factory=set)
    paragraphs: set[int] = field(default_factory=set)
    lead: bool = False
    located: bool = False
    own: bool = False       # the topic of a full sentence of its own (see _Layout.own_sentence)


def _strip_dateline(text: str) -> str:
    """Blank a leading dateline (新华社北京1月31日电, 央视网消息（新闻联播）：) with spaces, so the
    city of the wire office is not read as the subject and offsets stay put."""
    for pattern in (_DATELINE, _CCTV_HEAD, _REPORTER):
        m = pattern.search(text[:120])
        if m and m.start() < 40:
            text = text[: m.start()] + " " * (m.end() - m.start()) + text[m.end():]
    return text


def _mentions(text: str, data: _Data) -> list[_Mention]:
    out = []
    for start, end, name in data.place_scanner.finditer(text):
        place = data.places[name]
        if not place.provinces:
            continue  # a trap: 孙中山, 长安汽车, 三明治
        if _NOT_A_PLACE_AFTER.match(text[end: end + 6]) and not _SESSION_DELEGATION.match(text, end):
            continue  # 福建社团, 宁夏代表团, 北京队, 宁波舰: a body of people or a ship
        if _PERSON_TITLE_AFTER.match(text, end):
            continue  # 天津中医药大学校长张伯礼: a person's post, not what happens in Tianjin
        if len(name) == 2 and name.endswith("州") and start and text[start - 1] in _TRANSLITERATION:
            continue  # 别尔哥罗德州, 佛罗里达州, 内华达州: a foreign state, not 德州 or 达州
        chain = out[-1].chain if out and out[-1].end == start else start
        out.append(_Mention(start, end, name, place, chain))
    return out


def _resolve(mentions: list[_Mention], known: set[str] | None = None) -> list[tuple[_Mention, str]]:
    """Strong one-province names and regional names stand alone. A name shared by several
    provinces (鼓楼区, 兴安) counts for the one the strong names brought in. A short county
    name (金寨, 阜平, also a piece of many words: 大新 in 壮大新兴) counts only right after
    its province or prefecture (安徽金寨, 河北阜平), and then wherever it recurs."""
    known = set(known or ()) | {p for m in mentions if _stands_alone(m) for p in m.place.provinces}
    confirmed: set[str] = set()
    out = []
    previous = None
    for m in mentions:
        if _stands_alone(m):
            out.extend((m, p) for p in sorted(m.place.provinces))
        elif len(m.place.provinces) > 1 or m.place.strong or m.name in _backup_names():
            candidates = sorted(m.place.provinces & known)
            if len(candidates) == 1:
                out.append((m, candidates[0]))
        else:
            province = next(iter(m.place.provinces))
            attached = (previous is not None and previous.end == m.start
                        and province in previous.place.provinces)
            if attached or m.name in confirmed:
                confirmed.add(m.name)
                out.append((m, province))
        previous = m
    return out


def _stands_alone(m: _Mention) -> bool:
    # A name from regions.tsv (京津冀) stands for all its provinces; a division name shared by
    # several provinces (鼓楼区, 兴安) is ambiguous instead.
    return m.place.strong and (len(m.place.provinces) == 1 or m.name in _region_names())


@lru_cache(maxsize=1)
def _region_names() -> frozenset[str]:
    return frozenset(name for name, _, kind in _data_lines("regions.tsv") if kind not in ("backup", "titled"))


@lru_cache(maxsize=1)
def _backup_names() -> frozenset[str]:
    """Names that stand for a province only where the article names it too: 首都 is 北京 in a
    story about Beijing, and some other country's capital elsewhere."""
    return frozenset(name for name, _, kind in _data_lines("regions.tsv") if kind in ("backup", "titled"))


@lru_cache(maxsize=1)
def _titled_names() -> frozenset[str]:
    """Backup names that count only under a title naming them or their province (首都)."""
    return frozenset(name for name, _, kind in _data_lines("regions.tsv") if kind == "titled")


def _list_sizes(text: str, resolved: list[tuple[_Mention, str]], disaster: bool = False,
                parties: dict[int, frozenset[str]] | None = None) -> dict[int, int]:
    """For each mention (by start), the number of distinct provinces in the list of places it
    belongs to (北京、上海、广东等地 -> 3; 湖北武汉 -> 1; 福州、厦门 -> 1)."""
    sizes: dict[int, int] = {}
    run: list[tuple[_Mention, str]] = []

    def close() -> None:
        n = len({p for _, p in run})
        counted = _COUNTED_LIST.search(text[run[-1][0].end: run[-1][0].end + 16])
        if counted:  # 天津、吉林、西藏等19个省区市: examples from a longer list
            n = max(n, int(counted.group(1)) if counted.group(1).isdigit() else LEAD_MONTAGE_MIN)
        elif n >= EXAMPLES_MIN and _EXAMPLES_AFTER.match(text, run[-1][0].end) and not (
                disaster and _reports_hit(text, run[0][0].start, run[-1][0].end)):
            n = max(n, LEAD_MONTAGE_MIN)  # 北京、上海、广东等地: examples, a bare list even in the lead
        elif (n <= PARTIES_MAX or disaster) and (_PARTIES_AFTER.match(text, run[-1][0].end) or (
                n >= EXAMPLES_MIN and _EXAMPLES_AFTER.match(text, run[-1][0].end))):
            n = 1  # 湖南、湖北、江西三省成立…联盟: the parties, each acting, not examples
            if parties is not None:
                names = frozenset(p for _, p in run)
                parties.update((m.start, names) for m, _ in run)
        for m, _ in run:
            sizes[m.start] = max(sizes.get(m.start, 0), n)

    for m, province in resolved:
        if run:
            last = run[-1][0]
            gap = text[last.end: m.start]
            if m.start == last.start or gap in _LIST_JOINERS or (gap == "" and m.start == last.end) or (
                    len(gap) <= 16 and ("、" in gap or "；" in gap) and not _SENTENCE_END.search(gap)):
                # 云南澄江某化石点、湖北宜昌某化石群: items of one list
                run.append((m, province))
                continue
            close()
        run = [(m, province)]
    if run:
        close()
    return sizes


def _reports_hit(text: str, start: int, end: int) -> bool:
    """The sentence of a list of places measures what hit them (陕西、山西、内蒙古等地降温幅度超过10℃),
    and forecasts nothing (LABELS.md, weather: the provinces the report says are hit)."""
    stop = _SENTENCE_END.search(text, end)
    sentence_start = max(text.rfind(c, 0, start) for c in "。！？；;!?\n") + 1
    sentence = text[sentence_start: stop.start() if stop else len(text)]
    return bool(_HIT_MEASURE.search(sentence) or _HIT_DAMAGE.search(sentence)) and not _FORECAST.search(sentence)


def _is_venue(text: str, m: _Mention) -> bool:
    """在北京举行, 中非合作论坛北京峰会: the place where something national happens."""
    after = text[m.end: m.end + 20]
    if _OWN_BODY_AFTER.match(after):
        return False  # 四川省委召开 ...: the province acts
    if _EVENT_AFTER.match(after) and not _HOSTED_GAMES.match(after):
        return True
    # 在云南昆明出席: the city after its province shares what comes before the province
    start = m.chain if m.chain >= 0 else m.start
    before = text[max(0, start - 4): start]
    if _LEAVING_BEFORE.search(before) or _ROUTE_TO.match(after) or _ROUTE_FROM.search(before):
        return True  # 乘包机离开北京, 途经上海, 开往广州, 北京—利雅得航线: a point on someone's way
    if before.endswith("从") and _SETTING_OUT.match(after):
        return True  # 从成都出发飞赴刚果（金）: where a journey starts
    route_end = before.endswith("从") and _ROUTE_ON.match(after)
    if route_end or _ROUTE_FROM_TO.search(text, max(0, start - 24), start):
        return True  # 从香港开车到珠海、澳门只需半小时: the ends of a route
    if not (_VENUE_BEFORE.search(before) and _VENUE_AFTER.match(after)):
        return False
    # 拜祖大典今天在河南新郑举行, 桃花节在平谷开幕: a local event held there is the place's own news;
    # a meeting, a forum or a fair held there is national news in a venue (LABELS.md, leaders' visits)
    opening = max(text.rfind(c, 0, start) for c in "。！？；;!?\n") + 1
    # 全国冬季运动会在呼伦贝尔开幕: the host's own event; 下届将于2020年在内蒙古举行: a future host, a mention
    games = _GAMES.search(text, opening, m.end + 20) and "将" not in text[opening:start]
    local = (_LOCAL_EVENT_VERB.match(after) and (games or not _GATHERING.search(text, opening, m.end + 20))
             and not _other_place(text[opening:start], m.place.provinces))  # 兰州旅游年在北京拉开帷幕
    return not local


def _other_place(text: str, provinces: frozenset[str]) -> bool:
    """The text names a place of some other province on its own."""
    data = _load()
    places = [data.places[name] for _, _, name in data.place_scanner.finditer(text)]
    return any(place.strong and place.provinces and not place.provinces & provinces for place in places)


def _sentence_spans(text: str, ends: re.Pattern[str] = None) -> list[tuple[int, int]]:
    spans, start = [], 0
    for m in (ends or _SENTENCE_END).finditer(text):
        spans.append((start, m.end()))
        start = m.end()
    if start < len(text):
        spans.append((start, len(text)))
    return spans


def _lead_end(text: str) -> int:
    """Where the lead ends: the first sentences of the first real paragraph (a line of twenty
    characters or more, so not a byline), about two lines of print."""
    m = re.search(r"[^\s][^\n]{19,}", text)
    if not m:
        return 0
    first, para_end = m.start(), m.end()
    end, n = first, 0
    for start, stop in _sentence_spans(text[:para_end], _FULL_STOP):
        if stop <= first or not text[start:stop].strip():
            continue
        if start >= para_end:
            break
        end, n = min(stop, para_end), n + 1
        if end - first >= LEAD_CHARS or n >= 3:
            break
    return min(end, first + 2 * LEAD_CHARS)


def _units(title: str, body: str) -> list[tuple[str, int, int]]:
    """A round-up (联播快讯, 简讯) is read as its items: (item title, start, end) in the body.
    Any other article, subheadings and all, is one unit under its own title."""
    lines = list(re.finditer(r"[^\n]+", body))
    heads = [i for i, m in enumerate(lines[:-1]) if _is_item_head(m.group(), lines[i + 1].group())]
    if len(heads) < 2:
        return [(title, 0, len(body))]
    units = []
    if lines[heads[0]].start() > 0 and body[: lines[heads[0]].start()].strip():
        units.append((title, 0, lines[heads[0]].start()))
    for k, i in enumerate(heads):
        end = lines[heads[k + 1]].start() if k + 1 < len(heads) else len(body)
        units.append((lines[i].group(), lines[i].end(), end))
    items = [end - start for _, start, end in units[-len(heads):]]
    if not _ROUNDUP_TITLE.search(title) and sum(items) / len(items) > ROUNDUP_ITEM_CHARS:
        return [(title, 0, len(body))]  # long sections under subheadings: one article
    return units


def _is_item_head(line: str, following: str) -> bool:
    line = line.strip()
    return (4 <= len(line) <= 40 and not _SENTENCE_END.search(line[-1:])
            and not line.endswith(("：", ":", "，")) and len(following.strip()) > len(line)
            and "。" in following)  # an item tells its news in sentences; a list of names does not


def province_scores(title: str, body: str) -> dict[str, float]:
    """Weight of each province named as a place in the article: the best over its items for a
    round-up, else over the whole article (see the module docstring)."""
    return _provinces(_simple(title), _simple(body))[0]


def _provinces(title: str, body: str) -> tuple[dict[str, float], dict[str, float]]:
    """(weight of every province named, weight of the subject provinces). Each item of a
    round-up is judged on its own: a province is a subject of the item whose strongest
    province does not dwarf it, or of a survey of several regions that gives it a sentence.
    Title and body are in simplified script already (see _simple)."""
    text = _strip_dateline(body)
    units = _units(title, text)
    scores: dict[str, float] = {}
    subjects: dict[str, float] = {}
    surveyed: set[str] = set()
    for unit_title, start, end in units:
        unit = _unit_scores(unit_title, text[start:end])
        for province, score in unit.scores.items():
            scores[province] = max(scores.get(province, 0.0), score)
        for province, score in unit.subjects().items():
            subjects[province] = max(subjects.get(province, 0.0), score)
        surveyed |= unit.surveyed | unit.owned
    if subjects:  # an item's minor place is dwarfed by another item's subject, unless surveyed
        top = max(subjects.values())
        subjects = {p: s for p, s in subjects.items() if p in surveyed or s >= RELATIVE_THRESHOLD * top}
    if units[0][0] != title:  # items all under their own heads: the page title still counts
        for province in _title_provinces(title):
            scores[province] = scores.get(province, 0.0) + TITLE_WEIGHT
            subjects[province] = subjects.get(province, 0.0) + TITLE_WEIGHT
    if _NATIONAL_ADDRESSEE.search(text[:NATIONAL_ADDRESSEE_CHARS]):
        # a document sent to every province (国务院关于…的通知) is national: the places its measures
        # name (适用范围：浙江自贸试验区, 借鉴北京市经验) are examples; only its title names a subject
        in_title = _title_provinces(title)
        subjects = {p: s for p, s in subjects.items() if p in in_title}
    return scores, subjects


@dataclass
class _UnitScores:
    """The evidence of one unit (an article, or one item of a round-up)."""
    scores: dict[str, float]
    surveyed: set[str]          # given a sentence of their own in a survey of several regions
    title_found: set[str]
    owned: set[str] = field(default_factory=set)  # given a full paragraph of their own

    def subjects(self) -> dict[str, float]:
        """The unit's subject provinces and their weights."""
        if not self.scores:
            return {}
        top = max(self.scores.values())
        chosen = {p: s for p, s in self.scores.items()
                  if p in self.surveyed or p in self.owned
                  or (s >= SUBJECT_THRESHOLD and s >= RELATIVE_THRESHOLD * top)}
        if len(chosen) >= MANY_PROVINCES and not self.surveyed:
            # many places, none with a sentence of its own: a list of people or sites from all
            # over (典型经验做法, 最美乡村教师名单): only the title names subjects
            chosen = {p: s for p, s in chosen.items() if p in self.title_found}
        return chosen


class _Layout:
    """Where things are in one unit's text: sentences, paragraphs, the lead, lists of places."""

    def __init__(self, text: str, resolved: list[tuple[_Mention, str]], disaster: bool = False,
                 appointment: bool = False) -> None:
        self.text = text
        self.appointment = appointment  # 某地党委主要负责同志职务调整: the posts are the news
        self.disaster = disaster  # a weather or disaster report: a short list in the lead names the hit
        self.spans = _sentence_spans(text)
        self.sentence_of = _position_index([s for s, _ in self.spans])
        self.paragraph_starts = [0] + [m.end() for m in re.finditer(r"\n+", text)]
        self.paragraph_of = _position_index(self.paragraph_starts)
        self.lead_end = _lead_end(text)
        self.full_spans = _sentence_spans(text, _FULL_STOP)
        self.full_sentence_of = _position_index([s for s, _ in self.full_spans])
        # the provinces each full sentence names on their own (长三角 in a Shanghai sentence is no rival)
        self.sentence_provinces: dict[int, set[str]] = {}
        for m, province in resolved:
            if len(m.place.provinces) == 1:
                self.sentence_provinces.setdefault(self.full_sentence_of(m.start), set()).add(province)
        # ... and each clause (a sentence cut at ；), for the items of a montage with semicolons
        self.clause_provinces: dict[int, set[str]] = {}
        for m, province in resolved:
            if len(m.place.provinces) == 1:
                self.clause_provinces.setdefault(self.sentence_of(m.start), set()).add(province)
        self.parties: dict[int, frozenset[str]] = {}  # mention start -> all the parties of its list
        self.list_size = _list_sizes(text, resolved, disaster, self.parties)
        self.location_clauses = [m.span() for m in _LOCATED.finditer(text, 0, LOCATED_CHARS)]
        # a lead that tours five provinces or more is a montage: it names no subject
        in_lead = {p for m, p in resolved if m.start < self.lead_end and not _is_venue(text, m)}
        self.lead_counts = len(in_lead) < (HIT_LIST_MIN if disaster else LEAD_MONTAGE_MIN)
        # the provinces each paragraph names (京津冀 in a Beijing paragraph is no rival)
        self.paragraph_provinces: dict[int, set[str]] = {}
        for m, province in resolved:
            if len(m.place.provinces) == 1:
                self.paragraph_provinces.setdefault(self.paragraph_of(m.start), set()).add(province)

    def factor(self, m: _Mention, sentence: int) -> float:
        """How much one mention counts: a venue, an item of a list, or history count little."""
        if _is_venue(self.text, m):
            return VENUE_FACTOR
        in_lead = m.start < self.lead_end
        listed = self.list_size.get(m.start, 1) >= (HIT_LIST_MIN if in_lead and self.disaster else LIST_MIN)
        start, end = self.spans[sentence]
        quoted = self.text.rfind("《", 0, m.start) > self.text.rfind("》", 0, m.start)  # 《大美新疆》
        post = bool(_POST_AFTER.match(self.text, m.end)) and not self.appointment  # 北京市委书记某某宣读贺信
        # 浙江嘉兴党员某某：“…”: where a speaker lives; 来自台北、澳门的青年: where people come from
        coming = _COMING_FROM.search(self.text, max(0, m.start - 24), m.start)
        post = post or bool(_SPEAKER_AFTER.match(self.text, m.end)) or bool(
            coming and (coming.group(1) or self.text[m.end: m.end + 1] in "、和及"))
        return LIST_FACTOR if listed or quoted or post or _HISTORY.search(self.text, start, end) else 1.0

    def located(self, m: _Mention) -> bool:
        """Named near the top where the article says where its subject lies (位于, 地处)."""
        return any(start <= m.start < end for start, end in self.location_clauses)

    def own_sentence(self, m: _Mention, province: str) -> bool:
        """The place is the topic of a full sentence of its own: named near its start and the
        only province in it (黑龙江绥芬河市启动全民核酸检测…; 在天津，…). A clause of a montage
        (在河南开封，游客…；在湖南长沙，…) shares its sentence with the others."""
        k = self.full_sentence_of(m.start)
        start, end = self.full_spans[k]
        if m.start in self.parties:  # 四川、重庆…9省市耕地受旱: a counted list is the sentence's subject
            return (self.sentence_provinces.get(k, set()) <= self.parties[m.start]
                    and len(self.text[start:end].strip()) >= OWN_SENTENCE_CHARS)
        opening = self.text[start:m.start].lstrip()
        if self.appointment and _POST_AFTER.match(self.text, m.end):
            return True  # 某某任广西壮族自治区党委书记: under an appointment title, the province's own news
        if self.sentence_provinces.get(k) != {province}:
            # 江西赣州市压实…；甘肃敦煌健全…: a clause after a semicolon whose actor is the place
            # (it opens the clause, after a date at most) is an item of its own
            return self.semicolon_item(m, province)
        if self.disaster and self.forecast(m.start):
            return False  # 中央气象台预计，…江西南昌最低气温降至9度: not hit yet
        if _POST_AFTER.match(self.text, m.end):
            return False  # 广西某县委书记作了发言: a person's post, not the place's own news
        topical = len(opening) <= OWN_SENTENCE_OPENING or (  # 为做好…工作，安徽省采取…; 眼下，在…的河北南和
            len(opening) <= 2 * OWN_SENTENCE_OPENING and opening.count("，") <= 1 and "、" not in opening)
        # 某某近日在南宁作宣讲报告: a visit there, as an inspection is (LABELS.md, leaders' visits)
        start_of_chain = m.chain if m.chain >= 0 else m.start
        visit = (self.text[start_of_chain - 1: start_of_chain] in "在赴到"
                 and bool(_VISIT_AFTER.match(self.text, m.end)))
        return ((topical or visit) and self.sentence_provinces.get(k) == {province}
                and len(self.text[start:end].strip()) >= OWN_SENTENCE_CHARS)

    def semicolon_item(self, m: _Mention, province: str) -> bool:
        k = self.sentence_of(m.start)
        start, end = self.spans[k]
        clause = self.text[start:end].strip()
        after_semicolon = start > 0 and self.text[start - 1] in "；;"
        if not (after_semicolon or clause.endswith(("；", ";"))) or self.clause_provinces.get(k) != {province}:
            return False
        opening = _CLAUSE_TIME.sub("", self.text[start:m.chain if m.chain >= 0 else m.start].lstrip())
        # 促进外贸稳量提质，福建深化…；江西…: a short phrase of purpose before the actor opens the series
        lead_in = (len(opening) <= OWN_SENTENCE_OPENING and opening.endswith(("，", ","))
                   and opening.count("，") + opening.count(",") == 1 and "、" not in opening)
        return ((not opening or lead_in) and len(clause) >= OWN_SENTENCE_CHARS and not _POST_AFTER.match(self.text, m.end)
                and not _PEOPLE_AFTER.match(self.text, m.end))

    def forecast(self, pos: int) -> bool:
        """The sentence, or the paragraph it is in from its first sentence, tells a forecast."""
        start, end = self.full_spans[self.full_sentence_of(pos)]
        para = self.paragraph_starts[self.paragraph_of(pos)]
        first = self.full_spans[self.full_sentence_of(para)]
        return bool(_FORECAST.search(self.text, start, end) or _FORECAST.search(self.text, *first))

    def owns_paragraph(self, m: _Mention, province: str, para: int, sentences: set[int]) -> bool:
        """A paragraph is the place's own when it opens on it (or returns to it) and names no
        other province: a paragraph naming several is a montage of places."""
        start = self.paragraph_starts[para]
        # it opens on the place, or its first sentence is the place's own (地球“第三极”…腹地，三江源…)
        opens = m.start - start <= PARAGRAPH_OPENING or (
            self.full_sentence_of(m.start) == self.full_sentence_of(start) and self.own_sentence(m, province))
        return (not self.paragraph_provinces.get(para, {province}) - {province}
                and _paragraph_length(self.text, start) >= 40
                and (opens or len(sentences) >= 2))


def _is_programme(title: str, text: str) -> bool:
    """The announcement of a programme or a drama (电视剧《天涯热土》今晚开播, 《走进县城看发展》明天
    走进吉林抚松): README conventions of the blind sets, LABELS.md being silent."""
    return bool(_PROGRAMME_TITLE.search(title)) or (
        title.startswith("《") and bool(_BROADCAST.search(text[:PROGRAMME_CHARS])))


def _unit_scores(title: str, text: str) -> _UnitScores:
    if _is_programme(title, text):
        return _UnitScores({}, set(), set())  # a programme announced: the broadcast is the news
    mentions = _mentions(text, _load())
    title_found = _title_provinces(title, {p for m, p in _resolve(mentions) if _stands_alone(m)})
    if not any(name in title for name in _titled_names()):
        # 首都 in the body alone (秘鲁首都利马, 首都新闻单位) is no story about Beijing; it backs up
        # a title that names the capital or its province
        mentions = [m for m in mentions if m.name not in _titled_names() or m.place.provinces & title_found]
    resolved = _resolve(mentions, title_found)
    if not resolved and not title_found:
        return _UnitScores({}, set(), title_found)
    # a weather or disaster report (its title or first lines say so): the hit have their sentence
    disaster = bool(_DISASTER.search(title + text[:LEAD_CHARS])) and not title_found
    layout = _Layout(text, resolved, disaster, bool(_APPOINTMENT_TITLE.search(title)))
    national = bool(_NATIONAL_TITLE.search(title))  # 各地…, 我国…: where one example lies is no subject
    venues = _title_venues(title) - title_found
    evidence = {p: _Evidence(score=TITLE_WEIGHT) for p in title_found}
    per_paragraph: dict[tuple[str, int], set[int]] = {}
    for m, province in resolved:
        ev = evidence.setdefault(province, _Evidence())
        s = layout.sentence_of(m.start)
        factor = layout.factor(m, s)
        if province in venues:
            factor = min(factor, VENUE_FACTOR)  # 全国政协会议在京开幕: 三月的北京… sets the scene
        if s not in ev.sentences:
            ev.sentences.add(s)
            if len(ev.sentences) <= MAX_SENTENCES:  # a long report should not drown a paragraph
                ev.score += SENTENCE_WEIGHT * factor
        if factor < 1.0 or (layout.disaster and layout.forecast(m.start)):
            continue  # 预计台风将登陆台湾和福建: a forecast hits nobody, in the lead neither
        ev.own = ev.own or layout.own_sentence(m, province)
        if layout.located(m) and not ev.located and not national:
            ev.located = True  # 某水电站位于甲省某州某县和乙省某市某县境内
            ev.score += PARAGRAPH_TOPIC_WEIGHT
        if m.start < layout.lead_end and not ev.lead and layout.lead_counts:
            ev.lead = True
            ev.score += LEAD_WEIGHT
        para = layout.paragraph_of(m.start)
        sentences = per_paragraph.setdefault((province, para), set())
        sentences.add(s)
        if para not in ev.paragraphs and layout.owns_paragraph(m, province, para, sentences):
            ev.paragraphs.add(para)
            if len(ev.paragraphs) <= MAX_PARAGRAPHS:
                ev.score += PARAGRAPH_TOPIC_WEIGHT
    scores = {p: ev.score for p, ev in evidence.items()}
    own = {p for p, ev in evidence.items() if ev.own}
    # LABELS.md: a full paragraph of substance makes a subject, however strong the main place is
    owned = {p for p, ev in evidence.items() if any(
        _paragraph_length(text, layout.paragraph_starts[k]) >= OWN_PARAGRAPH_CHARS for k in ev.paragraphs)}
    by_count = len(own) >= SURVEY_MIN and len(title_found) != 1 and len(text) <= SURVEY_MAX_CHARS
    # 我国…: one example illustrates; 某省区党委主要负责同志职务调整: each post changed is news
    survey = _SURVEY_TITLE.search(title) or (national and len(own) >= 2) or layout.appointment
    if survey or _ROUNDUP_TITLE.search(title) or by_count or disaster:
        # a survey of several regions (各地…, 多地…, or a news item under a title naming no single
        # province that gives two places or more a sentence each): every place it gives a
        # sentence of its own is a subject. Under a title naming one province the others are its
        # background, and a long feature's examples need a paragraph of their own.
        return _UnitScores(scores, own, title_found, owned)
    return _UnitScores(scores, set(), title_found, owned)


def _title_venues(title: str) -> set[str]:
    """The provinces a title names as the venue of its news (全国政协会议在京开幕, 某论坛在北京举行), and
    Beijing under the title of talks with a foreign leader: there the body's mentions are the
    venue too, unless the title also names the place for itself."""
    found = {p for m, p in _resolve(_mentions(title, _load())) if _is_venue(title, m)}
    if _IN_THE_CAPITAL.search(title) or _DIPLOMACY_TITLE.search(title):
        found.add("北京")
    return found


def _position_index(starts: list[int]):
    """A function from a text position to the index of the span (sentence, paragraph) it is in."""
    def index(pos: int) -> int:
        return max(0, bisect.bisect_right(starts, pos) - 1)
    return index


def _paragraph_length(text: str, start: int) -> int:
    end = text.find("\n", start)
    return (len(text) if end < 0 else end) - start


def subject_provinces(title: str, body: str) -> list[str]:
    """The subject provinces, most salient first."""
    return _ranked(_provinces(_simple(title), _simple(body))[1])


def _ranked(subjects: dict[str, float]) -> list[str]:
    return sorted(subjects, key=lambda p: (-subjects[p], PROVINCES.index(p)))


def _title_provinces(title: str, known: set[str] | None = None) -> set[str]:
    """The provinces the title names; known: those the body names, which back up 首都 and the like."""
    return {p for m, p in _resolve(_mentions(title, _load()), known) if not _is_venue(title, m)}


_MEDIA_WORDS = re.compile(r"日报|晚报|卫视|电视台")  # 四川日报 quoted in a story is a source; as the source, home
_HOME_WORDS = re.compile(r"我省|全省|本省|我市|全市|本市|我区|全区|我州|全州|我县|全县")


def _home_province(source: str | None, body: str) -> list[str]:
    """A local paper (四川日报, 西宁晚报) that writes 我省 / 全市 without naming its place is
    about its home province."""
    if not source or not _HOME_WORDS.search(body):
        return []
    found = {p for _, p in _resolve(_mentions(_MEDIA_WORDS.sub("", source), _load()))}
    return sorted(found) if len(found) == 1 else []


# --- industries ------------------------------------------------------------------------------

INDUSTRIES = ("制造业 电子信息 软件和信息服务 人工智能 算力 通信网络 装备制造 汽车 能源 石化化工 冶金建材 "
              "新材料 生物医药 消费品 农业 节能环保 交通物流 金融 建筑房地产 文化旅游 商贸").split()

# --- weights of the industry evidence (tuned on dev/labels.jsonl as a whole, and checked on
# bench items labelled by hand against LABELS.md)
GENERAL_INDUSTRY = "制造业"     # manufacturing or industry as a whole (LABELS.md)
MANUFACTURING_SECTORS = frozenset("电子信息 装备制造 汽车 石化化工 冶金建材 新材料 生物医药 消费品".split())
GENERAL_BESIDE_SECTOR = 0.5   # 制造业 in a sentence that names a sector of manufacturing outside a list
INDUSTRY_TITLE_WEIGHT = 1.6   # times the term's weight: a strong term in the title alone is enough
INDUSTRY_THRESHOLD = 3.2      # one sentence with a strong term and a figure (3.0) is not enough
INDUSTRY_RELATIVE = 0.15       # of the strongest industry's score
FIGURE_FACTOR = 1.5           # the sentence gives a figure, a project, a measure
LISTED_FACTOR = 0.4           # the term is one item of a list (芯片、软件、装备)
WEAK_TERM_FACTOR = 0.75       # a weight-1 term (needs company) counts for less
WEAK_ONLY_FACTOR = 0.8        # ... and an industry named by such terms only, less again
OWN_FIGURE_BONUS = 0.3        # the sentence gives the term a figure of its own (快递业务量完成…)
EXTRA_TERM_SHARE = 0.1        # each further term of the industry in the sentence adds this share
LIST_SENTENCE_INDUSTRIES = 3  # a sentence touching this many industries is a list of them
# A long document (a State Council notice, a plan, a law) touches many industries in passing:
# past LONG_TEXT characters the bar rises with the square root of the length, and an industry
# must also hold a larger share of the strongest one's score.
# One sentence past the lead (一张银行卡, 电力通信中断) is a passing mention unless the title
# or the lead names the industry too: it counts this much.
SINGLE_SENTENCE_FACTOR = 0.9
INDUSTRY_LEAD_SENTENCES = 3
SINGLE_SENTENCE_MIN_CHARS = 400  # ... in a unit this long (a news item of 300 characters is all lead)
LONG_TEXT = 2000
LONG_EXPONENT = 0.5           # past LONG_TEXT the bar rises with this power of the length
SUBSTANCE_EXPONENT = 0.25     # ... and for an industry with a sentence of substance of its own, this power
SUBSTANCE_SENTENCES = 1       # sentences of substance of its own (a figure, a project) that lift an
                              # industry of a long document over the relative floor
LONG_RELATIVE = 0.5           # the relative floor reached at 3 * LONG_TEXT characters: a list of measures
                              # gives the industries it develops (the strongest), not every one it names

# Stories whose field is not an industry: diplomacy (talks list the fields of cooperation), police,
# courts and the military, honours and lives of people. Their industry terms count at half
# unless the title names the industry: such a story reports an industry's activity only rarely.
_OTHER_FIELD_TITLE = re.compile(
    r"(?<!博)会见|会谈|会晤|通电话|致电|贺电|国事访问|正式访问|友好访问|递交国书|外交|"
    r"公安|警方|警察|民警|法院|检察|审判|庭审|判处|犯罪|诈骗|维和|官兵|解放军|武警|国防部|"
    r"医院|消防|救援|地质灾害|险情|暴雨|降雨|降雪|暴雪|寒潮|大风|沙尘|台风|洪水|洪涝|汛情|地震|"
    r"英雄|烈士|楷模|先进事迹|表彰|奖章|颁奖|追授|追记")
OTHER_FIELD_FACTOR = 0.5
# An official document (国务院关于…的通知, …对…建议的答复) says in its title what it regulates. One
# whose title names a field that is not an industry (taxes, health care, schools, employment, the
# government's own work, honours, number plates) regulates none, however often its body names
# housing loans, drugs or vehicles, unless the title names an industry too. A reply to a
# province, a plan or a programme (无废城市建设) is read like any long document.
_OFFICIAL_TITLE = re.compile(r"(?:关于|对).{2,}?的?(?:通知|意见|决定|批复|复函|函|通报|办法|规定|方案|答复|公告|命令|指示|报告|纲要|规划)$")
_ADMINISTRATION_TITLE = re.compile(r"所得税|税收|纳税|医院|医疗|卫生|教育|学校|幼儿园|就业|社会保险|养老保险|政务|网站|"
                                   r"执法|督查|表扬|表彰|激励|号牌|消防|人员|任免|编制|放假|节假日")
DOMESTIC_LEAD_CHARS = 300     # China, 我国, 各地 … named this early: the news is domestic
_FIGURE = re.compile(r"\d|[一二三四五六七八九十百千万亿]+(?:亿|万|倍|成)|%|％|增长|下降|投产|开工|建成|签约|"
                     r"出台|发布|实施|启动|项目|基地|产值|营收|订单|产量|规模")
# a figure right after the term (零售总额12345亿元, 产量增长20%): the sentence measures the industry
_MEASURED = re.compile(r"[^，,;。；、]{0,8}?(?:\d|[一二三四五六七八九十百千万亿]+(?:亿|万|倍|成))")
# a figure the sentence gives the term itself: 快递业务量完成1000亿件, 旅客量增长25%, 装机容量达到30亿千瓦
_ATTRIBUTED = re.compile(r"[^，,;。；、]{0,6}?(?:量|额|值|率|规模|收入|营收|利润|产能|容量|面积|销量)[^，,;。；、]{0,8}?\d")
_ENUMERATION = re.compile(r"、(?![\d０-９])")
_CLAUSE_END = re.compile(r"[，,：:]")
_SECTOR_AFTER = re.compile(r"[^，,;。；、\s和与及等]{0,2}?(?:制造业|产业|行业)")  # 药品制造业, 娱乐业 …: the sector named
_TOOL_BEFORE = re.compile(r"(?:使用|运用|利用|借助|依托|采用|应用)[^，,;。；、]{0,4}$")
_DOMESTIC = re.compile(r"中国|我国|中方|(?<!国)全国|国内|国货|国产|国务院|党中央|中共|总书记|各地|省委|市委|县委|"
                       r"我省|本省|全省|我市|本市|我区|"  # not 全市: 雅典全市停电
                       r"十四五|十五五|两会|春运|总台|神舟|天宫|天舟|嫦娥|北斗|天问|长征[一二三四五六七八九十]号|广交会|进博会|消博会|服贸会|链博会|投洽会")


def industry_scores(title: str, body: str, has_places: bool | None = None) -> dict[str, float]:
    """Weight of each industry: the best over a round-up's items, else over the article."""
    return _industry_scores(_simple(title), _simple(body), has_places)


def _industry_scores(title: str, body: str, has_places: bool | None) -> dict[str, float]:
    return _industry_evidence(title, body, has_places)[0]


_Item = tuple[dict[str, float], int, dict[str, int]]  # an item's industry weights, length, substance


def _industry_evidence(title: str, body: str, has_places: bool | None
                       ) -> tuple[dict[str, float], dict[str, int], list[_Item]]:
    """(weight of each industry, the number of sentences that give it substance of its own: a
    term that stands alone, outside a list, in a sentence with a figure, a project or a measure,
    and for a round-up read item by item the same evidence of each item)."""
    substance: dict[str, int] = {}
    if has_places is None:
        has_places = bool(_provinces(title, body)[0])
    if not has_places and not _DOMESTIC.search(title + body[:DOMESTIC_LEAD_CHARS]):
        # news about other countries (one of them may talk of China further down): its
        # industries are not ours to facet
        return {}, substance, []
    data = _load()
    units = _units(title, body)
    scores: dict[str, float] = {}
    items: list[_Item] = []
    in_page_title = _unit_industry_scores(title, "", data) if len(units) > 1 else {}
    for unit_title, start, end in units:
        unit_substance: dict[str, int] = {}
        unit = _unit_industry_scores(unit_title, body[start:end], data, unit_substance)
        for industry, n in unit_substance.items():
            substance[industry] = substance.get(industry, 0) + n
        if unit_title != title:
            unit = _other_field(unit_title, unit, data)  # an item on police or courts in a round-up
        if _is_programme(unit_title, body[start:end]) and not _NEWS_PROGRAMME.search(
                unit_title + body[start: start + PROGRAMME_CHARS]):
            # a drama or a programme announced (电视剧《某某》今晚开播) is the culture industry's news
            unit[PROGRAMME_INDUSTRY] = max(unit.get(PROGRAMME_INDUSTRY, 0.0), INDUSTRY_THRESHOLD)
        for industry, score in unit.items():
            scores[industry] = max(scores.get(industry, 0.0), score)
        if len(units) > 1:
            merged = dict(unit)
            for industry, score in in_page_title.items():
                merged[industry] = merged.get(industry, 0.0) + score
            items.append((merged, end - start, unit_substance))
    for industry, score in in_page_title.items():
        scores[industry] = scores.get(industry, 0.0) + score
    if _OFFICIAL_TITLE.search(title):
        in_title = _unit_industry_scores(title, "", data)
        if not in_title and _ADMINISTRATION_TITLE.search(title):
            return {}, substance, []
    if len(units) == 1 and _OTHER_FIELD_TITLE.search(title):
        scores = _other_field(title, scores, data)
        substance = {}
    return scores, substance, items


def _industries(title: str, body: str, has_places: bool | None) -> list[str]:
    """The industries chosen: a round-up's items each on their own (LABELS.md: each item counts on
    its own, and a long page of items does not raise the bar of each), any other article whole."""
    scores, substance, items = _industry_evidence(title, body, has_places)
    if not items:
        return _chosen_industries(scores, len(body), substance)
    chosen: set[str] = set()
    for unit, length, unit_substance in items:
        chosen.update(_chosen_industries(unit, length, unit_substance))
    return sorted(chosen, key=lambda i: (-scores.get(i, 0.0), INDUSTRIES.index(i)))


def _other_field(title: str, scores: dict[str, float], data: _Data) -> dict[str, float]:
    """Talks with a foreign leader list the fields of cooperation (贸易、农业、人工智能…), a police
    story names what was seized: not industry news, unless the title names the industry."""
    if not _OTHER_FIELD_TITLE.search(title):
        return scores
    in_title = _unit_industry_scores(title, "", data)
    return {i: in_title.get(i, 0.0) + OTHER_FIELD_FACTOR * (s - in_title.get(i, 0.0)) for i, s in scores.items()}


def _unit_industry_scores(title: str, body: str, data: _Data,
                          substance: dict[str, int] | None = None) -> dict[str, float]:
    scores: dict[str, float] = {}
    for _, _, entries in _qualified([(b, e, data.terms[t]) for b, e, t in data.term_scanner.finditer(title)]):
        for industry, weight in entries:
            scores[industry] = scores.get(industry, 0.0) + INDUSTRY_TITLE_WEIGHT * weight
    in_title = set(scores)
    sentences_of: dict[str, set[int]] = {}
    figured: set[str] = set()
    attributed: set[str] = set()
    strong = set(in_title)  # named somewhere by a term that stands alone (weight 2), not in a list
    spans = [(a, b) for a, b in _sentence_spans(body) if body[a:b].strip()]
    for index, (start, stop) in enumerate(spans):
        sentence = body[start:stop]
        hits = _qualified([(b, e, data.terms[t]) for b, e, t in data.term_scanner.finditer(sentence)
                           if data.terms[t]])
        if not hits:
            continue
        # 《证券投资基金法》, 《农业法》: a term inside the name of a law or a work names it, no more
        beside_comma = ["、" in (sentence[e: e + 1], sentence[b - 1: b]) or _in_law_name(sentence, b)
                        for b, e, _ in hits]
        # 稳住外贸基本盘、建立人工智能发展优势、实施城市更新行动…: a sentence that enumerates
        # topics of several industries lists them all (a series of figures, 9个车间、21条, does not)
        # A clause of its own (推进大飞机规模化系列化发展) in a sentence that lists others says
        # something of its industry: the list is read clause by clause.
        clause_of = _position_index([0] + [m.end() for m in _CLAUSE_END.finditer(sentence)])
        clause_industries: dict[int, set[str]] = {}
        for b, _, entries in hits:
            clause_industries.setdefault(clause_of(b), set()).update(i for i, _ in entries)
        clause_starts = [0] + [m.end() for m in _CLAUSE_END.finditer(sentence)] + [len(sentence)]
        enumerating = {c for c, found in clause_industries.items() if len(found) >= LIST_SENTENCE_INDUSTRIES
                       and len(_ENUMERATION.findall(sentence, clause_starts[c], clause_starts[c + 1])) >= 2}
        # 使用人工智能+虚拟现实技术, 依托大数据: a tool another field uses names no industry
        listed_hits = [listed or clause_of(b) in enumerating
                       or bool(_TOOL_BEFORE.search(sentence, max(0, b - 6), b))
                       for (b, _, _), listed in zip(hits, beside_comma)]
        best: dict[str, float] = {}
        named: dict[str, set[str]] = {}  # the industry's distinct terms in the sentence
        for (b, e, entries), listed in zip(hits, listed_hits):
            if _SECTOR_AFTER.match(sentence, e):
                # 药品制造业, 计算机通信设备制造业: a product's word naming its sector is the industry's own name
                entries = [(industry, max(weight, 2.0)) for industry, weight in entries]
            measured = not listed and _strongest_weight(entries) >= 2 and _MEASURED.match(sentence, e)
            for industry, weight in entries:
                w = (weight if weight >= 2 else weight * WEAK_TERM_FACTOR) * (LISTED_FACTOR if listed else 1.0)
                best[industry] = max(best.get(industry, 0.0), w)
                if not listed:
                    named.setdefault(industry, set()).add(sentence[b:e])
                if weight >= 2 and not listed:
                    strong.add(industry)
                if not listed and weight >= 2 and _ATTRIBUTED.match(sentence, e):
                    attributed.add(industry)
                if measured and weight >= 2:
                    figured.add(industry)  # 社会消费品零售总额12345亿元: the figure is the term's own
        factor = FIGURE_FACTOR if _FIGURE.search(sentence) else 1.0
        if substance is not None and factor > 1.0:
            for (b, e, entries), listed in zip(hits, listed_hits):
                if not listed:
                    for industry in {i for i, w in entries if w >= 2}:
                        substance[industry] = substance.get(industry, 0) + 1
        if GENERAL_INDUSTRY in best and any(i in MANUFACTURING_SECTORS for i in named):
            # 钢铁工业增加值增长…, 计算机通信设备制造业税收增长: the sentence measures a sector of
            # manufacturing, not manufacturing as a whole (LABELS.md: 制造业 is the whole)
            best[GENERAL_INDUSTRY] *= GENERAL_BESIDE_SECTOR
        for industry, w in best.items():
            # 输送天然气和清洁能源: a sentence naming the industry twice over is about it
            w *= 1 + EXTRA_TERM_SHARE * min(len(named.get(industry, ())) - 1, 2) if named.get(industry) else 1
            scores[industry] = scores.get(industry, 0.0) + w * factor
            sentences_of.setdefault(industry, set()).add(index)
    for industry, indexes in sentences_of.items():
        if (industry not in in_title and industry not in figured and len(indexes) == 1
                and min(indexes) >= INDUSTRY_LEAD_SENTENCES and len(body) >= SINGLE_SENTENCE_MIN_CHARS):
            scores[industry] *= SINGLE_SENTENCE_FACTOR
    for industry in attributed:
        scores[industry] += OWN_FIGURE_BONUS
    for industry in scores.keys() - strong:
        # 互联网, 工业, 游客 alone, however often: words of every field, not an industry's news;
        # a long document repeats them (房屋 in a report on a landslide) and they make nothing there
        scores[industry] *= WEAK_ONLY_FACTOR if len(body) <= LONG_TEXT else 0.0
    return scores


_Hit = tuple[int, int, list[tuple[str, float]]]  # start, end, (industry, weight) of a term found


def _qualified(hits: list[_Hit]) -> list[_Hit]:
    """电子信息制造业, 钢铁工业, 汽车工业: a word of industry as a whole right after an industry's
    own term names that industry, not manufacturing as a whole."""
    out = []
    for hit in hits:
        b, _, entries = hit
        before = {i for i, _ in out[-1][2]} if out and out[-1][1] == b else set()
        if {i for i, _ in entries} == {GENERAL_INDUSTRY} and before and GENERAL_INDUSTRY not in before:
            continue
        out.append(hit)
    return out


_LAW_NAME_END = re.compile(r"[^《》]*?(?:法|条例|法典)(?:实施条例|修正案)?[》>〉]")


def _strongest_weight(entries: list[tuple[str, float]]) -> float:
    return max((weight for _, weight in entries), default=0.0)


def _in_law_name(sentence: str, pos: int) -> bool:
    """Inside 《证券投资基金法》 or 《农业法》: the term names a law, not an industry's news (a work's
    name, 《2023年元宵晚会》, may be the news itself)."""
    opened = sentence.rfind("《", 0, pos)
    return opened > sentence.rfind("》", 0, pos) and bool(_LAW_NAME_END.match(sentence, pos))


def subject_industries(title: str, body: str, has_places: bool | None = None) -> list[str]:
    """The industries the article says something specific about, strongest first."""
    return _industries(_simple(title), _simple(body), has_places)


def _chosen_industries(scores: dict[str, float], length: int,
                       substance: dict[str, int] | None = None) -> list[str]:
    if not scores:
        return []
    threshold, relative, substantial = INDUSTRY_THRESHOLD, INDUSTRY_RELATIVE, INDUSTRY_THRESHOLD
    if length > LONG_TEXT:
        threshold *= (length / LONG_TEXT) ** LONG_EXPONENT
        substantial *= (length / LONG_TEXT) ** SUBSTANCE_EXPONENT
        relative += (LONG_RELATIVE - INDUSTRY_RELATIVE) * min(1.0, (length - LONG_TEXT) / (2 * LONG_TEXT))
    floor = max(threshold, relative * max(scores.values()))
    # a long report (a government work report, a survey of the economy) gives many industries
    # figures and projects of their own: each with SUBSTANCE_SENTENCES such sentences is one
    # it develops, whatever the strongest one's share, and its bar rises more slowly with length
    substance = substance or {}
    chosen = [i for i, s in scores.items()
              if s >= floor or (s >= substantial and substance.get(i, 0) >= SUBSTANCE_SENTENCES)]
    return sorted(chosen, key=lambda i: (-scores[i], INDUSTRIES.index(i)))


# --- dates -----------------------------------------------------------------------------------

def complete_date(article: Article) -> None:
    """Complete a missing or partial date from a dateline or a full date near the top, with the
    readers' own date functions (policysearch.dates): a year-less dateline (新华社北京1月31日电)
    or 今天（5月26日） only completes a year or month the reader already had (its base), and
    target years (到2026年) never count."""
    if article.date_precision == "day":
        return
    head = f"{article.byline or ''}\n{article.body[:300]}"
    # The article's partial date is the base a dateline or 今天（5月26日） is read against.
    found = dates.from_text(head, head_chars=300, base=article.date)
    if not found or len(found) != 10:
        return
    if article.date and not found.startswith(article.date):
        return  # a date of another year or month is some other event's
    article.set_date(found, "text")


# --- the stage -------------------------------------------------------------------------------

class _Simplified(dict):
    """str.translate table, filled on first sight of each character: full-width forms to ASCII
    (５Ｇ -> 5G) and traditional to simplified script (廣東 -> 广东), one character for one, so
    the gazetteer and the terms, kept in simplified script, match either."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        if 0xFF01 <= code <= 0xFF5E:
            mapped = chr(code - 0xFEE0)
        elif code < 0x3400:
            mapped = char
        else:
            mapped = _t2s().convert(char)
            mapped = mapped if len(mapped) == 1 else char
        self[code] = mapped
        return mapped


_SIMPLIFIED = _Simplified()


def _simple(text: str) -> str:
    return text.translate(_SIMPLIFIED)


@lru_cache(maxsize=1)
def _t2s():
    import opencc  # only for CJK characters not seen before in this process

    return opencc.OpenCC("t2s")


def tag(article: Article) -> None:
    """Set provinces and industries and complete the date of one article, in place."""
    title, body = _simple(article.title or ""), _simple(article.body or "")
    scores, subjects = _provinces(title, body)
    found = _ranked(subjects)
    if article.provinces:
        # provinces from the file's metadata stand; only a province in the title is added
        in_title = _title_provinces(title)
        article.provinces = list(article.provinces) + [
            p for p in found if p not in article.provinces and p in in_title]
    else:
        article.provinces = found or _home_province(article.source, body)
    article.industries = _industries(title, body, bool(scores))
    complete_date(article)
