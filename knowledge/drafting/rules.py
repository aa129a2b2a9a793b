"""Drafting rules from a clause's money sentences, in the schema of the reviewed rules.

One sentence can grant several things (900元 a year of premium, then 300元 a day while in
hospital): figures with different periods are different rules. Figures that differ by a
fact the profile holds (农村居民 2万元, 城镇居民 3万元; 夫妻双方 / 一方为我市户籍) are one
rule with variants; a list (5000元、4000元、3000元) is one rule with variants by disability
grade (按照伤残等级) or by the list of kinds named before it, or, when nothing says which
sum is whose, a sentence to review. Nothing is drafted that the words do not say; what the
drafter had to assume is kept as a doubt for the reviewer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from knowledge.clauses import Clause
from knowledge.drafting.conditions import Conditions, read_conditions, selector_of, strip_titles
from knowledge.drafting.figures import Figure, find_figures
from knowledge.drafting.sentences import Phrase, Sentence, phrases, sentences, split_list
from knowledge.rules_schema import Rule

_ANAPHORA = re.compile(r"^(?:对|将)?(?:符合(?:上述)?条件的|上述|以上|其)")
_SUBJECT_RESTART = re.compile(r"^(?:对|给予符合|凡|为)")
_QUALIFIER = re.compile(r"最长|最多|不超过|直至|为止|以内")
_NOT_QUALIFIER = re.compile(r"资金|经费|财政|承担|分担")
_LIMIT_DAYS = re.compile(r"每年(?:最长|最多|累计)?(?:不超过|不得超过)?(\d+)天")
_ON_TOP = re.compile(r"^除[^，]*外")
_BY_GRADE = re.compile(r"按(?:照)?(?:其)?(?:伤残|残疾|病残)等级")
_LIST_TRIM_HEAD = re.compile(r"^(?:按照|按|根据|分为|分|对)")
_LIST_TRIM_TAIL = re.compile(r"(?:[一二三四五六七八九十\d]+(?:种|类|个|档)(?:类型|情形|情况|档次|标准|方式)?|等)$")
_CHILD = re.compile(r"(?:子女|儿童|孩子|学生)(?:参加|考取|接受|入学|就读|在校|上学)|在校学习期间|助学金")
_NOUN_AFTER = re.compile(
    r"^的?([^，。；（、]{0,12}?(?:扶助金|补助金|救助金|助学金|抚慰金|慰问金|生活补助|补贴保险|保险|补贴|补助资金|补助|津贴|优惠|养老金))")
_NOUN_BEFORE = re.compile(
    r"特别扶助金|扶助金|一次性救助|一次性补助|一次性补贴|助学金|生活补助|养老补贴|补助|救助|补贴|慰问金")
_UNIT_SUBJECT = re.compile(r"^([\u4e00-\u9fff、（）]{2,16}?(?:部门|局|委|办|人民政府|政府|财政))(?:要|应|负责)")
_PAID_PREMIUM = re.compile(r"(?:缴纳|代缴|购买)[^，]*保险|保险费|保费")
_PAID_WAIVER = re.compile(r"减免|免除|免收|优惠")
_PAID_SUBSIDY = re.compile(r"建房|购房|租房|缴费补贴|补助资金")
_CATEGORY: tuple[tuple[re.Pattern[str], str], ...] = tuple((re.compile(p), c) for p, c in (
    (r"助学|高考|在校|学费|教育", "education"),
    (r"建房|住房|搬迁|安置|租房|危房", "housing"),
    (r"住院|医疗|医保|门诊|体检|家庭医生|护理保险|护理补贴", "medical"),
    (r"养老|敬老院", "elderly_care"),
    (r"殡|丧葬|火化|墓", "funeral"),
    (r"低保|五保|特困", "social_assistance"),
    (r"就业|培训", "employment"),
    (r"再生育(?:服务|技术|扶助|医疗|手术)|辅助生育|生育保险", "reproduction"),
))
_DOUBT = "【草拟待核对】"


@dataclass
class DraftRule:
    """A drafted rule (valid in the reviewed schema), where it came from, and what the drafter
    had to assume (the reviewer clears these before publishing)."""

    rule: Rule
    sentence: str
    doubts: list[str] = field(default_factory=list)

    @property
    def clause(self) -> str:
        return self.rule.citation.clause

    def values(self) -> list[float]:
        a = self.rule.amount
        if a is None:
            return []
        return [a.value] if a.value is not None else [v.value for v in a.variants]


@dataclass(frozen=True)
class ToReview:
    """A money sentence the drafter could not turn into a rule, and why."""

    clause: str
    sentence: str
    figure: str
    reason: str


@dataclass(frozen=True)
class SetAside:
    """A figure read as not a benefit (a funding share, the amount before a raise)."""

    clause: str
    sentence: str
    figure: str
    reason: str


@dataclass
class ClauseDraft:
    rules: list[dict[str, Any]] = field(default_factory=list)  # rule fields + "_doubts", "_sentence"
    to_review: list[ToReview] = field(default_factory=list)
    set_aside: list[SetAside] = field(default_factory=list)


_REVIEW_REASONS = {
    "threshold": "像是收入线或门槛（…的），不是发给家庭的金额；请核对",
    "percent": "比例（百分比），不是金额：规则只记人民币金额，请按文件写成无金额的规则并在标题或说明里写明比例",
    "range": "金额区间：规则只能记一个金额（或上限/下限），请决定怎么写",
    "unreadable": "金额读不出来",
    "period": "发放周期（每季度/每半年）不在规则的周期里（一次性/每月/每年/每天）",
    "list": "列了几个金额，没有写明哪个金额给谁",
}
_SET_ASIDE_REASONS = {
    "from": "由…提高到…之前的金额（提高前的标准），不是现在的待遇",
    "funding": "资金分担（哪一级财政出多少），不是发给家庭的金额",
}


def _group(sentence: str, figs: list[Figure]) -> list[list[Figure]]:
    """Figures that form one rule: a listed run (3万元、4万元、5万元), or variants that differ
    by one profile fact and share a period; otherwise one figure per rule."""
    groups: list[list[Figure]] = []
    i = 0
    while i < len(figs):
        run = [figs[i]]
        while i + len(run) < len(figs) and sentence[run[-1].end:figs[i + len(run)].start] in ("、", "和", "或"):
            run.append(figs[i + len(run)])
        if len(run) == 1:
            sel = selector_of(_selector_text(sentence, figs[i], figs))
            if sel:
                seen = {sel[1]}
                for f in figs[i + 1:]:
                    other = selector_of(_selector_text(sentence, f, figs))
                    if not other or other[0] != sel[0] or other[1] in seen or f.period != figs[i].period:
                        break
                    seen.add(other[1])
                    run.append(f)
        groups.append(run)
        i += len(run)
    return groups


def _phrase_of(sentence: str, pos: int) -> Phrase:
    return next(p for p in phrases(sentence) if p.start <= pos <= p.end)


def _selector_text(sentence: str, fig: Figure, figs: list[Figure]) -> str:
    """A figure's own words (its phrase up to it, after any earlier figure), with the phrase
    before when that one is a 的-clause (夫妻双方为我市户籍的，一次性救助1万元)."""
    ph = _phrase_of(sentence, fig.start)
    start = max([f.end for f in figs if ph.start <= f.end <= fig.start], default=ph.start)
    text = sentence[start:fig.start]
    all_phrases = phrases(sentence)
    idx = all_phrases.index(ph)
    if idx > 0 and start == ph.start:
        prev = all_phrases[idx - 1]
        if prev.text.endswith("的") and not any(prev.start <= f.start < prev.end for f in figs):
            text = prev.text + "，" + text
    return text


def _list_labels(sentence: str, run: list[Figure]) -> list[str] | None:
    """The kinds named before a listed run of sums, one per sum (按照A、B、C三种类型)."""
    ph = _phrase_of(sentence, run[0].start)
    for prev in reversed([p for p in phrases(sentence) if p.end <= ph.start]):
        items = split_list(prev.text)
        if len(items) != len(run):
            continue
        items[0] = _LIST_TRIM_HEAD.sub("", items[0])
        items[-1] = _LIST_TRIM_TAIL.sub("", items[-1])
        if all(1 <= len(i) <= 20 for i in items):
            return items
    return None


def _noun(sentence: str, fig: Figure) -> str | None:
    m = _NOUN_AFTER.match(sentence[fig.end:])
    if m:
        return re.sub(r"^(?:发放|给予|享受|的)", "", m.group(1))
    ph = _phrase_of(sentence, fig.start)
    hits = list(_NOUN_BEFORE.finditer(sentence[ph.start:fig.start]))
    return hits[-1].group(0) if hits else None


def _tag(cond: Conditions) -> str | None:
    for c in cond.conditions:
        status = c.get("child_status")
        if status == "deceased":
            return "独生子女死亡"
        if status == "disabled":
            return "独生子女伤残"
        if isinstance(status, list) or "any" in c:
            return "独生子女伤残或死亡"
    return None


def _quote_span(sentence: str, start: int, run: list[Figure], figs: list[Figure]) -> tuple[int, int, str | None]:
    """Where the quote of a rule ends: its last figure's phrase, with the qualifying phrases
    after it (每年最长不超过90天, 直至毕业) but not a funding remark; and a limit if stated."""
    all_phrases = phrases(sentence)
    last = _phrase_of(sentence, run[-1].start)
    end = last.end
    limit = None
    for p in all_phrases[all_phrases.index(last) + 1:]:
        has_figure = any(p.start <= f.start < p.end for f in figs)
        if has_figure or not _QUALIFIER.search(p.text) or _NOT_QUALIFIER.search(p.text):
            break
        end = p.end
        if _LIMIT_DAYS.search(p.text):
            limit = p.text
    text = sentence[start:end]
    # a trailing funding note in parentheses is not part of the grant
    m = re.search(r"（[^（）]*(?:承担|分担)[^（）]*）$", text)
    if m:
        end = start + m.start()
    while start < end and sentence[start] in "，、 ":
        start += 1
    return start, end, limit


def draft_clause(clause: Clause, code: str, first_number: int) -> ClauseDraft:
    """Draft the money rules of one clause; rule ids are numbered from `first_number`."""
    out = ClauseDraft()
    units = [*clause.lead_units, *(u for u in clause.units if u not in clause.lead_units)]
    sents = sentences(clause.text)
    number = first_number
    previous: Sentence | None = None
    for sent in sents:
        s = sent.text
        figs = find_figures(s)
        if not figs:
            if not (clause.title and s == clause.title):
                previous = sent
            continue
        usable: list[Figure] = []
        for f in figs:
            if f.set_aside in _SET_ASIDE_REASONS:
                out.set_aside.append(SetAside(clause.id, s, f.text, _SET_ASIDE_REASONS[f.set_aside]))
            elif f.set_aside == "threshold":
                out.to_review.append(ToReview(clause.id, s, f.text, _REVIEW_REASONS["threshold"]))
            elif f.kind == "percent":
                out.to_review.append(ToReview(clause.id, s, f.text, _REVIEW_REASONS["percent"]))
            elif f.kind == "range":
                out.to_review.append(ToReview(clause.id, s, f.text, _REVIEW_REASONS["range"]))
            elif f.value is None:
                out.to_review.append(ToReview(clause.id, s, f.text, _REVIEW_REASONS["unreadable"]))
            elif f.period == "unsupported":
                out.to_review.append(ToReview(clause.id, s, f.text, _REVIEW_REASONS["period"]))
            else:
                usable.append(f)
        subject_start = 0
        quote_from = 0
        for run in _group(s, usable):
            is_list = len(run) > 1 and s[run[0].end:run[1].start] in ("、", "和", "或")
            doubts: list[str] = []
            variants: list[dict[str, Any]] | None = None
            selector_facts: frozenset[str] = frozenset()
            if is_list:
                if _BY_GRADE.search(s[:run[0].start]) and len(run) <= 4:
                    variants = [{"when": {"disability_grade": i + 1}, "value": f.value} for i, f in enumerate(run)]
                    doubts.append(f"文件按伤残等级列了{len(run)}个金额，草拟按一级（最重）起依次对应")
                else:
                    labels = _list_labels(s, run)
                    if labels is None:
                        out.to_review.append(ToReview(clause.id, s, "、".join(f.text for f in run),
                                                      _REVIEW_REASONS["list"]))
                        continue
                    variants = [{"label": lab, "value": f.value} for lab, f in zip(labels, run, strict=True)]
            elif len(run) > 1:
                sels = [selector_of(_selector_text(s, f, usable)) for f in run]
                selector_facts = frozenset(sel[0] for sel in sels if sel)
                variants = [{"when": {sel[0]: sel[1]}, "value": f.value}
                            for sel, f in zip(sels, run, strict=True) if sel]
            first = run[0]
            # whose conditions: the sentence up to the figure, from a new subject (对…) if one starts
            # after the previous rule; variant words (农村居民 …) are choices, not conditions
            restarts = [p.start for p in phrases(s)
                        if quote_from <= p.start < first.start and _SUBJECT_RESTART.match(p.text)]
            if restarts:
                subject_start = restarts[-1]
            cond_text = s[subject_start:first.start]
            if len(run) > 1 and not is_list:
                for f in run:
                    cond_text = cond_text.replace(_selector_text(s, f, usable), "")
            if previous and _ANAPHORA.match(s):
                cond_text = previous.text + "，" + cond_text
            cond = read_conditions(cond_text, selector_facts)
            doubts.extend(cond.doubts)
            child = bool(_CHILD.search(s[:run[-1].end]))
            period = first.period
            if period is None:
                period = "once"
                doubts.append("文件没有写发放周期（每月/每年/一次性），草拟为一次性")
            per = "child" if child else first.per
            if per is None:
                per = "household"
                if period != "once":
                    doubts.append("文件没有写按人还是按户，草拟为按户")
            beneficiary = "child" if child else "each_spouse" if per == "person" else "household"
            each_person = cond.each_person if beneficiary == "each_spouse" else []
            if cond.each_person and beneficiary != "each_spouse":
                doubts.append("句中写了年龄（" + "、".join(str(e["age"]["min"]) for e in cond.each_person)
                              + "周岁），但金额不按人计，年龄条件没有草拟")
            q_start, q_end, limit = _quote_span(s, quote_from, run, figs)
            quote = s[q_start:q_end]
            quote_from = q_end
            amount: dict[str, Any] = {"period": period, "per": per}
            if variants:
                amount["variants"] = variants
            else:
                amount["value"] = first.value
            span = s[_phrase_of(s, first.start).start:q_end]
            if _PAID_PREMIUM.search(span) and re.search(r"缴纳|代缴|购买|保费|保险费", span):
                amount["paid_as"] = "premium"
            elif "保险" in s and re.search(r"补贴|赔付|保险金", span):
                amount["paid_as"] = "insurance"
            elif _PAID_WAIVER.search(span):
                amount["paid_as"] = "fee_waiver"
            elif _PAID_SUBSIDY.search(span):
                amount["paid_as"] = "subsidy"
            if first.up_to:
                amount["up_to"] = True
            if first.at_least:
                amount["at_least"] = True
            if limit:
                amount["limit"] = limit
                m = _LIMIT_DAYS.search(limit)
                if m:
                    amount["max_days_per_year"] = int(m.group(1))
            if any(f.raised_to for f in run):
                amount["basis"] = "raised_to"
                ph = _phrase_of(s, first.start)
                frm = s.rfind("由", ph.start, first.start)
                amount["basis_text"] = s[frm if frm >= 0 else ph.start:first.end]
            elif m := _ON_TOP.match(s):
                amount["basis"] = "on_top"
                amount["basis_text"] = m.group(0)
            noun = _noun(s, first) or _noun(s, run[-1]) or clause.title or "待遇"
            if noun in ("补助", "救助", "补贴") and period == "once":
                noun = "一次性" + noun
            tag = _tag(cond)
            title = f"{noun}（{tag}）" if tag and tag not in noun else noun
            category = next((c for pat, c in _CATEGORY if pat.search(strip_titles(quote))), None)
            category = category or next((c for pat, c in _CATEGORY if pat.search(clause.title or "")), "cash")
            rule_units = units or ([m.group(1)] if (m := _UNIT_SUBJECT.match(s)) else [])
            rule: dict[str, Any] = {
                "id": f"{code}.draft_{number}", "title": title, "category": category, "beneficiary": beneficiary,
            }
            if not cond.in_scope:
                rule["in_scope"] = False
            if cond.conditions:
                rule["conditions"] = cond.conditions
            if each_person:
                rule["each_person"] = each_person
            if cond.provisos:
                rule["provisos"] = cond.provisos
            rule["amount"] = amount
            if rule_units:
                rule["units"] = rule_units
            rule["citation"] = {"clause": clause.id, "quote": quote}
            if doubts:
                rule["note"] = _DOUBT + "；".join(doubts)
            compare = _compare(category, period, per, quote)
            if compare:
                rule["compare"] = compare
            rule["_doubts"] = doubts
            rule["_sentence"] = s
            out.rules.append(rule)
            number += 1
        previous = sent
    return out


def _compare(category: str, period: str, per: str, quote: str) -> list[str]:
    if "住院护理" in quote:
        return ["hospital_care"]
    if category == "cash" and period == "month":
        return ["monthly_allowance"]
    if category == "cash" and period == "once":
        return ["one_off_grant"]
    if category in ("education", "housing"):
        return [category]
    return []


def clause_sentences(clause: Clause) -> list[Sentence]:
    return sentences(clause.text)
