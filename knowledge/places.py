"""Which city's document answers a message: the places it names, and which one governs.

Families name a county ("俺是兰考的"), a city typed one sound off ("开风", "临宜"), or two
places at once ("户口在临沂，现在住在开封"; "听说开封每月给八百，我们柳州有没有"). These
benefits follow the household registration (户籍), so when two of the five jurisdictions
are named, the one the message marks as the hukou governs; failing that, the one it calls
its own (我们柳州); failing that, the one that is not only where the family now lives. The
reason is kept, so the answer can say which city's rule it used and why.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

from knowledge.catalogue import load_catalogue
from knowledge.lexicon import load_lexicon, tokenizer
from knowledge.text_normalize import normalize
from knowledge.yaml_data import load_yaml

# a near-miss spelling is taken for a city only if the general dictionary does not know it
# as a word at least this frequent (开风, 临宜, 柳洲 are no words; 开放 is not a homophone)
NEAR_MISS_MAX_FREQ = 20
# how far before a place a marker may stand ("户口一直都在临沂": 6 characters)
MARKER_REACH = 8


@dataclass(frozen=True)
class PlaceMention:
    code: str
    start: int
    end: int
    text: str
    # "city" (a name of the jurisdiction), "county" (a unit inside it), "near" (typed one sound
    # off), "parent" (the city a district belongs to: 泰州 for 姜堰区, which may mean another district)
    kind: str


@dataclass(frozen=True)
class PlaceReading:
    mentions: tuple[PlaceMention, ...] = ()
    governing: str | None = None
    # why `governing` was chosen when the message names more than one of the five:
    # "hukou" (marked as the household registration), "ours" (marked as the family's own
    # place), "not_residence" (the other is only where they live now), "first" (no marker)
    reason: str | None = None
    others: tuple[str, ...] = ()  # the other jurisdictions named

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(m.code for m in self.mentions))


_HUKOU_BEFORE = re.compile(r"(?:户口|户籍|户口本|落户|户头)(?:本|也|还|都|一直|是|在|落在|上在|迁到|迁回|)*$")
_HUKOU_AFTER = re.compile(r"^(?:市|县|区)?(?:的)?(?:户口|户籍|户头|农村户口|城镇户口|城市户口)")
_OURS_BEFORE = re.compile(r"(?:我们|我家|我们家|咱们|咱|我|本地|老家|家)(?:是|就是|这|那|这边|在|也在)?(?:的)?$")
_OURS_AFTER = re.compile(r"^(?:市|县|区)?(?:本地|这边|这里|人|的人)")
_LIVES_BEFORE = re.compile(r"(?:住在|住到|现住|现在住|现在在|搬到|搬来|来到|跟着[^，。,]{0,6}在|在)(?:了)?$")
_OTHER_BEFORE = re.compile(r"(?:听说|人家|别人|别的地方|那边|像|比如|隔壁|亲戚在|朋友在|对比|和|跟)$")
# "柳州那边给两百，姜堰有没有": a place spoken of as over there is not the family's own
_OTHER_AFTER = re.compile(r"^(?:市|县|区)?(?:那边|那里|那儿|那块)")
# the sentence that asks whether a benefit exists ("临沂有没有？", "柳州有类似的吗")
_ASKS_IF_ANY = re.compile(r"[?？]|吗|有没有|有无|有不|有类似|给不给|能不能|是不是|行不行|咋样|怎么样|呢")
# a unit's short form the general dictionary knows at most this often (三江 146, 白米 79) is
# that unit when the family says it is where they are from; a common word (城中 1929, 港口
# 2904) is never taken alone
SHORT_FORM_MAX_FREQ = 300
# "户口在三江", "我们是白米的", "俺家在三江": the family says where it is from ...
_FROM_BEFORE = re.compile(r"(?:户口|户籍|户口本|老家|我们|我家|我们家|咱们|咱|我|家)"
                          r"(?:本|也|还|都|一直|就)*(?:是|在|落在|住在|家在)$")
# ... and the unit's short form ends there (三江的, 三江农村, 三江人, 三江，)
_FROM_AFTER = re.compile(r"^(?:的|人|农村|乡下|城里|县城|这边|那边|那块|[,，。.;；!！?？ ]|$)")


@cache
def _places_data() -> dict[str, dict[str, list[str]]]:
    """knowledge/places.yaml, read once."""
    return load_yaml(resources.files("knowledge").joinpath("places.yaml").read_text(encoding="utf-8")) or {}


@cache
def _gazetteer() -> tuple[tuple[str, str, str], ...]:
    """(name, code, kind), longest name first, so 兰考县 is taken before 兰考."""
    rows: list[tuple[str, str, str]] = []
    for doc in load_catalogue():
        rows.extend((a, doc.code, "city") for a in (*doc.aliases, doc.name) if len(a) > 1)
    for code, entry in _places_data().items():
        for name in [*(entry.get("names") or []), *(entry.get("former") or [])]:
            rows.append((str(name), str(code), "county"))
        rows.extend((str(name), str(code), "parent") for name in entry.get("parent") or [])
    return tuple(sorted(set(rows), key=lambda r: (-len(r[0]), r[0])))


@cache
def _city_bases() -> tuple[tuple[str, str], ...]:
    """The two-character names a near miss is measured against (开封, 临沂, 姜堰, ...)."""
    return tuple((a, d.code) for d in load_catalogue() for a in d.aliases if len(a) == 2)


def _near_miss(window: str) -> str | None:
    lex = load_lexicon()
    if "|" in window or tokenizer().FREQ.get(window, 0) > NEAR_MISS_MAX_FREQ:
        return None
    for base, code in _city_bases():
        same = sum(a == b for a, b in zip(window, base, strict=True))
        if same == 1 and all(a == b or lex.sounds_like(a, b) or lex.sounds_like(b, a)
                             for a, b in zip(window, base, strict=True)):
            return code
    return None


@cache
def _gazetteer_by_pair() -> dict[str, tuple[tuple[str, str, str], ...]]:
    """The gazetteer by each name's first two characters (every name has at least two)."""
    by_pair: dict[str, list[tuple[str, str, str]]] = {}
    for row in _gazetteer():
        by_pair.setdefault(row[0][:2], []).append(row)
    return {pair: tuple(rows) for pair, rows in by_pair.items()}


@cache
def _near_chars() -> frozenset[str]:
    """Characters that may stand in a near miss (sound like a character of a city's name)."""
    lex = load_lexicon()
    sounds = {r for base, _ in _city_bases() for ch in base for r in lex.readings(ch)}
    return frozenset(ch for ch, readings in lex.pinyin.items() if sounds.intersection(readings))


# a unit's name with its suffix dropped (三江侗族自治县 -> 三江, 白米镇 -> 白米): said right after its
# city ("柳州三江", "姜堰白米") it is that unit, though alone it may be an everyday word
_UNIT_SUFFIX = re.compile(r"(?:[\u4e00-\u9fff]{2}族)?(?:自治县|示范区|高新区|街道|县|区|市|镇|乡)$")


@cache
def _short_forms() -> dict[str, tuple[str, ...]]:
    """code -> the short forms of its units (two characters or more), longest first."""
    out: dict[str, tuple[str, ...]] = {}
    for code, entry in _places_data().items():
        names = [str(n) for n in entry.get("names") or []]
        shorts = {_UNIT_SUFFIX.sub("", n) for n in names}
        out[str(code)] = tuple(sorted((s for s in shorts if len(s) >= 2), key=lambda s: (-len(s), s)))
    return out


def _unit_after_city(norm: str, city: PlaceMention, taken: list[bool]) -> PlaceMention | None:
    """"柳州三江": the short form of one of the city's units right after the city's name."""
    for short in _short_forms().get(city.code, ()):
        end = city.end + len(short)
        if norm.startswith(short, city.end) and not any(taken[city.end:end]):
            return PlaceMention(city.code, city.end, end, short, "county")
    return None


@cache
def _home_short_forms() -> tuple[tuple[str, str], ...]:
    """(short form, code) of the units whose short form is no common word, longest first."""
    freq = tokenizer().FREQ
    rows = {(short, code) for code, shorts in _short_forms().items() for short in shorts
            if freq.get(short, 0) <= SHORT_FORM_MAX_FREQ and short not in {c for d in load_catalogue()
                                                                         for c in (*d.aliases, d.name)}}
    return tuple(sorted(rows, key=lambda r: (-len(r[0]), r[0])))


def _units_said_as_home(norm: str, taken: list[bool]) -> list[PlaceMention]:
    """"户口在三江", "三江农村的，七十了": a unit's short form where the family says where it is
    from (after 户口在 / 我们是 / 家在, or opening the message) and the name ends there."""
    out: list[PlaceMention] = []
    for short, code in _home_short_forms():
        start = norm.find(short)
        while start >= 0:
            end = start + len(short)
            head = re.split(r"[,，。.;；!！?？]", norm[max(0, start - MARKER_REACH):start])[-1]
            opening = start == 0 or norm[start - 1] in ",，。.;；!！?？"
            if not any(taken[start:end]) and (opening or _FROM_BEFORE.search(head)) \
                    and _FROM_AFTER.match(norm[end:end + 4]):
                out.append(PlaceMention(code, start, end, short, "county"))
                taken[start:end] = [True] * len(short)
            start = norm.find(short, start + 1)
    return out


def find_places(norm: str) -> list[PlaceMention]:
    """Every mention of one of the five jurisdictions in a normalised message, in order."""
    taken = [False] * len(norm)
    for name in outside_places():  # 泰州市海陵区 is 海陵区, not 泰州 read as 姜堰
        start = norm.find(name)
        while start >= 0:
            taken[start:start + len(name)] = [True] * len(name)
            k = start - 1
            while k >= 0 and norm[k] in "市州泰" and not taken[k]:  # the 泰州市 in front of it
                taken[k] = True
                k -= 1
            start = norm.find(name, start + 1)
    found: list[PlaceMention] = []
    by_pair = _gazetteer_by_pair()
    present = {norm[k:k + 2] for k in range(len(norm) - 1)}
    candidates = sorted((row for pair in present for row in by_pair.get(pair, ())), key=lambda r: (-len(r[0]), r[0]))
    for name, code, kind in candidates:
        start = norm.find(name)
        while start >= 0:
            if not any(taken[start:start + len(name)]):
                found.append(PlaceMention(code, start, start + len(name), name, kind))
                taken[start:start + len(name)] = [True] * len(name)
            start = norm.find(name, start + 1)
    for city in [m for m in found if m.kind == "city"]:
        unit = _unit_after_city(norm, city, taken)
        if unit is not None:
            found.append(unit)
            taken[unit.start:unit.end] = [True] * (unit.end - unit.start)
    found.extend(_units_said_as_home(norm, taken))
    sounding = _near_chars()
    # a window inside a longer word the dictionary knows (江堰 in 都江堰) is part of that word
    inside: set[int] | None = None
    for start in range(len(norm) - 1):
        if taken[start] or taken[start + 1]:
            continue
        window = norm[start:start + 2]
        if not (window[0] in sounding or window[1] in sounding) or not all("\u4e00" <= ch <= "\u9fff" for ch in window):
            continue
        near = _near_miss(window)
        if near is not None and inside is None:
            inside = {k for _, s, e in tokenizer().tokenize(norm, HMM=False) if e - s > 2 for k in range(s, e - 1)}
        if near is not None and start not in (inside or ()):
            found.append(PlaceMention(near, start, start + 2, window, "near"))
            taken[start:start + 2] = [True, True]
    return sorted(found, key=lambda m: m.start)


def _marked(norm: str, mention: PlaceMention, before: re.Pattern[str], after: re.Pattern[str] | None) -> bool:
    head = norm[max(0, mention.start - MARKER_REACH):mention.start]
    head = re.split(r"[,，。.;；!！?？]", head)[-1]
    return bool(before.search(head) or (after is not None and after.search(norm[mention.end:mention.end + 8])))


def _in_asking_sentence(norm: str, mention: PlaceMention) -> bool:
    """Is the mention in a sentence that itself asks whether something exists?"""
    stops = ",，。.;；!！?？\n"
    start = max((norm.rfind(ch, 0, mention.start) for ch in stops), default=-1) + 1
    ends = [k for k in (norm.find(ch, mention.end) for ch in stops) if k >= 0]
    end = min(ends) + 1 if ends else len(norm)
    return _ASKS_IF_ANY.search(norm[start:end]) is not None


def read_places(norm: str) -> PlaceReading:
    """The jurisdictions a normalised message names and the one whose document governs."""
    mentions = tuple(find_places(norm))
    codes = list(dict.fromkeys(m.code for m in mentions))
    if not codes:
        return PlaceReading()
    if len(codes) == 1:
        return PlaceReading(mentions, codes[0])
    firsts = {code: next(m for m in mentions if m.code == code) for code in codes}

    def any_marked(code: str, before: re.Pattern[str], after: re.Pattern[str] | None) -> bool:
        return any(_marked(norm, m, before, after) for m in mentions if m.code == code)

    chosen: str | None = None
    reason = "first"
    hukou = [c for c in codes if any_marked(c, _HUKOU_BEFORE, _HUKOU_AFTER)]
    lives = [c for c in codes if any_marked(c, _LIVES_BEFORE, None) and c not in hukou]
    ours = [c for c in codes if any_marked(c, _OURS_BEFORE, _OURS_AFTER)]
    other = [c for c in codes if any_marked(c, _OTHER_BEFORE, _OTHER_AFTER)]
    # "临沂给一次性一万，柳州有没有？": the place of the sentence that asks is the one asked about
    asked = [c for c in codes if any(_in_asking_sentence(norm, m) for m in mentions if m.code == c)]
    if len(hukou) == 1:
        chosen, reason = hukou[0], "hukou"
    elif lives and len([c for c in codes if c not in lives]) == 1:
        chosen, reason = next(c for c in codes if c not in lives), "not_residence"
    elif len([c for c in ours if c not in other]) == 1:
        chosen, reason = next(c for c in ours if c not in other), "ours"
    elif len([c for c in codes if c not in other]) == 1:
        chosen, reason = next(c for c in codes if c not in other), "ours"
    elif len(asked) == 1:
        chosen, reason = asked[0], "ours"  # the city asked about is the family's own
    else:
        chosen = min(codes, key=lambda c: firsts[c].start)
    return PlaceReading(mentions, chosen, reason, tuple(c for c in codes if c != chosen))


@cache
def outside_places() -> tuple[str, ...]:
    """Places inside a city we cover only in part (泰州's other districts): never ours."""
    names = [str(n) for entry in _places_data().values() for n in entry.get("outside") or []]
    return tuple(sorted(names, key=len, reverse=True))


# "我是西安的", "俺们是郑州人", "户口在南阳": where the family says it is from
_OWN_PLACE = re.compile(r"(?:我|我们|俺|俺们|咱|咱们|我家|俺家)(?:就|也)?(?:是|家是|家在)"
                        r"([\u4e00-\u9fff]{2,6}?)(?:的|人)"
                        r"|户[口籍](?:本|也|还|都|一直)*(?:是|在|落在)([\u4e00-\u9fff]{2,6}?)(?:的|人|[,，。.!！?？]|$)")


def own_place_elsewhere(norm: str, reading: PlaceReading) -> str | None:
    """The place the family calls its own when it is none of the five and none of the
    places of ours the message names is marked as the family's hukou or home ("我是西安的，
    听说安康那边……，我们西安能领多少": 西安's rule is not 安康's); else None."""
    marked = any(_marked(norm, m, _HUKOU_BEFORE, _HUKOU_AFTER) or _marked(norm, m, _OURS_BEFORE, _OURS_AFTER)
                 for m in reading.mentions)
    if marked:
        return None
    for found in _OWN_PLACE.finditer(norm):
        place = found.group(1) or found.group(2)
        if "|" not in place and not find_places(place):
            outside = other_place(place)
            if outside is not None:
                return outside
    return None


def blank_places(norm: str, mentions: tuple[PlaceMention, ...] | list[PlaceMention]) -> str:
    """The message with every place name replaced by "|" (same length): a city's name is
    not a topic word, and positions stay where they were."""
    chars = list(norm)
    for m in mentions:
        chars[m.start:m.end] = "|" * (m.end - m.start)
    return "".join(chars)


# -- places we do not cover ---------------------------------------------------------------
_PROVINCES = ("北京", "天津", "上海", "重庆", "河北", "山西", "辽宁", "吉林", "黑龙江", "江苏", "浙江", "安徽",
              "福建", "江西", "山东", "河南", "湖北", "湖南", "广东", "海南", "四川", "贵州", "云南", "陕西", "甘肃",
              "青海", "台湾", "内蒙古", "广西", "西藏", "宁夏", "新疆", "香港", "澳门")
_CAPITALS = ("石家庄", "太原", "沈阳", "长春", "哈尔滨", "南京", "杭州", "合肥", "福州", "南昌", "济南", "郑州",
             "武汉", "长沙", "广州", "海口", "成都", "贵阳", "昆明", "西安", "兰州", "西宁", "呼和浩特", "南宁",
             "拉萨", "银川", "乌鲁木齐", "深圳", "青岛", "大连", "宁波", "厦门", "苏州", "洛阳", "泰州")
_PINYIN = re.compile(r"(?<![a-z])(beijing|tianjin|shanghai|chongqing|hebei|shanxi|liaoning|jilin|heilongjiang|jiangsu"
                     r"|zhejiang|anhui|fujian|jiangxi|shandong|henan|hubei|hunan|guangdong|hainan|sichuan|guizhou"
                     r"|yunnan|shaanxi|gansu|qinghai|guangxi|xizang|tibet|ningxia|xinjiang|shijiazhuang|taiyuan"
                     r"|shenyang|changchun|harbin|nanjing|hangzhou|hefei|fuzhou|nanchang|jinan|zhengzhou|wuhan"
                     r"|changsha|guangzhou|haikou|chengdu|guiyang|kunming|xi'?an|lanzhou|xining|nanning|lhasa"
                     r"|yinchuan|urumqi|shenzhen|qingdao|dalian|ningbo|xiamen|suzhou|luoyang|taizhou)(?![a-z])")
# 郑州市 / 南阳市 / 新郑县: two characters and a suffix, neither a function word nor 我市, 城市, 县城
_NOT_A_PLACE = "金费钱本我全该外各哪这那邻城超同他她你在的是到去了口住回和与跟从个们里上下要就都也还"
_PLACE_SUFFIX = re.compile(rf"([^{_NOT_A_PLACE}\W\d|a-z]{{2}})(?:省|市|县)"
                           r"(?!城|里|上|级|委|内|外|民|场|长|区|财|政|直|属|辖|面|中)")


def other_place(question: str) -> str | None:
    """A place the question names that is none of the five we cover (郑州, 河南, Zhengzhou):
    its figures must never be answered with one of ours. Our own names are removed first
    (the search replaces them with "|"), so 河南开封 is Kaifeng, 河南 alone is not."""
    norm = normalize(question)
    for name in outside_places():  # 海陵区: in 泰州, but not 姜堰区
        if name in norm:
            return name
    norm = blank_places(norm, find_places(norm))  # our cities, their counties, near misses (开风)
    for doc in load_catalogue():
        norm = norm.replace(doc.code, "|" * len(doc.code))
    for name in (*_PROVINCES, *_CAPITALS):
        if name in norm:
            return name
    found = _PINYIN.search(norm.lower())
    if found:
        return found.group(1).capitalize()
    suffixed = _PLACE_SUFFIX.search(norm)
    return suffixed.group(0) if suffixed else None


def outside_spans(norm: str) -> list[tuple[int, int]]:
    """Where a normalised message names a place none of the five covers (青岛, 广东, 海陵区,
    郑州市): every occurrence, for reading which part of a message says where the family lives."""
    blanked = blank_places(norm, find_places(norm))
    spans: list[tuple[int, int]] = []
    for name in (*outside_places(), *_PROVINCES, *_CAPITALS):
        start = blanked.find(name)
        while start >= 0:
            spans.append((start, start + len(name)))
            start = blanked.find(name, start + 1)
    spans.extend(m.span() for m in _PLACE_SUFFIX.finditer(blanked))
    return spans
