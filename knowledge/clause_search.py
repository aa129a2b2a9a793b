"""Answer a free-text question with the clauses that say it, or say honestly that none do.

Ranking is BM25 over jieba words at clause granularity. Before ranking, the question is
normalised (traditional -> simplified, full-width -> ASCII), a city it names becomes the
jurisdiction filter, colloquial phrases are mapped to the documents' terms (孩子走了 ->
死亡, 养老院 -> 养老机构), and pinyin-IME typos are repaired against the vocabulary
(服助金 -> 扶助金, 体俭 -> 体检). A question is answered only when the best clause covers
most of what the question is about; otherwise (weather, passports, gibberish) the search
declines instead of returning noise.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from functools import cache, cached_property

import jieba
from rapidfuzz.distance import Levenshtein

from knowledge.catalogue import load_catalogue
from knowledge.clauses import Clause, load_clauses
from knowledge.document_question import ASPECTS, asked_aspects, states
from knowledge.eligibility import leaves
from knowledge.key_sentence import AMOUNT_STATED, PERIOD_WORDS, Alternative, asked_period, choose, doc_norm
from knowledge.lexicon import Lexicon, load_lexicon, nouns, tokenizer
from knowledge.places import PlaceReading, blank_places, other_place, outside_spans, own_place_elsewhere, read_places
from knowledge.rules_schema import load_rules, rules_published
from knowledge.situation import Situation, read_question, situation_positions
from knowledge.situation_rules import document_excludes, granting_clauses
from knowledge.spoken import asking_positions, blank_courtesy, registered_parts, standardize, where_parts
from knowledge.text_normalize import normalize

# BM25 parameters. b is below the usual 0.75 because the long Linyi paragraphs hold many
# distinct benefits each and should not be punished too hard for their length.
K1 = 1.2
B = 0.5
SYNONYM_WEIGHT = 0.8
TYPO_WEIGHT = 0.8
# A homophone repair is made only when it makes the text around it this much more likely
# (natural log, about 400 times) by the general dictionary, with this many characters of
# context on each side: a correct common word is never "repaired" into another.
REPAIR_MARGIN = 6.0
REPAIR_CONTEXT = 2
# ... and never on a window that is itself a word the general dictionary knows this well
KNOWN_WORD_FREQ = 20
# a rare two-character word read as a common one (建康 -> 健康, +3.4) is already held to
# "ten times rarer and never in the documents": it needs only to make the text more likely
# (听人 -> 因人 made it less likely, -0.5)
PAIR_REPAIR_MARGIN = 1.0
# A two-character question word is read as a typo of an indexed word only when the general
# dictionary counts it at least this many times rarer (建康 206 vs 健康 5971).
RARER_BY = 10
# ... and only toward a word the documents use far more than everyday Chinese does (clauses
# holding it per general-dictionary count): 健康 16/5971, 审核 3/992 are targets; 造成
# 1/9428 and 不同 2/29383 are not (早成危房 stayed 早成, 打不通 stayed 打不通).
REPAIR_TARGET_SALIENCE = 0.0002
# Confidence rule: the best clause must cover at least this share of the question's
# content words (words that say what it is about), and score at least MIN_SCORE.
MIN_COVERAGE = 0.5
MIN_SCORE = 2.0
# ... or, in a story, the best clause matches the question's own document terms strongly
# (about two of the documents' rarer words: a story's everyday words leave much uncovered,
# but 连心家园, 城乡居民医保 or 手术并发症 say what it asks), covers a fair share of the
# question, and clearly leads every other clause (no rival topic). Measured on the
# development sets: the out-of-scope messages declined for low coverage score below this,
# or have a rival clause, or fail the named-benefit check that follows.
STRONG_SCORE = 9.0
STRONG_MIN_COVERAGE = 0.3
STRONG_LEAD = 1.4
# Further results are shown only when they are reasonably close to the best one.
RELATIVE_CUTOFF = 0.3
# Questions are read up to this many characters (a pasted essay is not a question, and
# typo repair is quadratic in the length).
MAX_QUESTION_CHARS = 300
# How many extra BM25 candidates are re-ranked by coverage, and how much coverage counts.
RERANK_POOL = 5
COVERAGE_WEIGHT = 0.5
# For "多少钱" questions a clause that states a sum ranks above one that does not (among the
# re-ranked candidates): "女儿残疾每月多少钱" is about the money clause, not about any
# clause that mentions 残疾.
AMOUNT_BONUS = 0.5
# In a money question that states the family's situation, a clause whose rule certainly
# grants this family a sum (its own conditions hold for what the question says) ranks above
# one whose sum needs more (a child at college): the rules know who gets what.
GRANTED_BONUS = 0.5
# A clause that fits the family's situation is put before a better-scoring one that does not
# when it scores at least this share of it.
FIT_PROMOTE = 0.75
# Added to the score of the clause that states what a question about the document asks
# (the effective date, the repeal, the scope): about one strong matched word.
ASPECT_SCORE = 6.0
# A word that only colours the question (a number, 跑不动, a lone character the documents
# never use) counts this much as covered once the clause covers a real topic word: enough
# that "跑不动" does not sink a question about 代办, not so much that "春节回家的火车票怎么抢"
# is answered because 春节 is a holiday the documents mention.
INCIDENTAL_CREDIT = 0.5
# In a money question the words stating the family's situation (三级残疾, 去世) say whose
# money, not which money: they count less, and the key sentence is then chosen by situation.
SITUATION_WEIGHT = 0.4
# A spoken message is mostly story; the sentences that ask carry the question (spoken.py).
# A topic word of the story counts this much in the coverage, and its search term this
# much in the ranking, when the documents use it; a story word they never use (银行, 邻居,
# 晚上) counts nothing. When the asking sentences name no topic of their own ("能给多少"),
# they ask about the story, and its words count fully.
NARRATIVE_WEIGHT = 0.3
NARRATIVE_TERM_WEIGHT = 0.5
# A word the documents never use that general Chinese uses this often (the compact jieba
# dictionary's count) is story even inside the asking sentence: 银行 7684, 晚上 5770,
# 邻居 613; a benefit the documents lack keeps its weight: 暖气 127, 取暖 284.
STORY_FREQ = 500
# ... but only in a message that tells a story (two sentences or more, or a long one): in a
# short question every word is what it asks ("开封有什么好吃的小吃" is about 小吃)
STORY_WEIGHT = 0.3
STORY_MIN_CHARS = 40

_WORD = re.compile(r"[0-9a-z\u3400-\u9fff]")
# latin letters right beside a Chinese character: a character typed as its pinyin (di保)
_LETTERS = re.compile(r"(?<=[\u4e00-\u9fff])[a-z]{1,12}|[a-z]{1,12}(?=[\u4e00-\u9fff])")
# a sentence that introduces a list ("扶助对象应同时符合以下条件：")
_LEAD_SENTENCE = re.compile(r"[^。；：\n]*：")


@dataclass(frozen=True)
class QueryTerm:
    """A term to look up, where it came from in the question, and how much it counts."""

    term: str
    weight: float
    start: int
    end: int
    source: str  # "word", "synonym" or "typo"


@dataclass(frozen=True)
class Query:
    text: str
    normalized: str
    mentioned: tuple[str, ...]
    content: tuple[tuple[int, int], ...]  # spans of the topic words in `normalized`
    terms: tuple[QueryTerm, ...]
    situation: Situation = field(default_factory=Situation)
    wants_amount: bool = False
    # phrases asking about the document itself (生效, 还有效, 废止, 扶助对象), see document_question
    aspects: tuple[tuple[str, int, int], ...] = ()
    # topic-word spans that only colour the question (numbers, 跑不动, single characters the
    # documents never use): covered once the clause covers a real topic word, see _incidental
    incidental: tuple[tuple[int, int], ...] = ()
    # how much each topic word (parallel to `content`) counts: the asking part over the story
    content_weights: tuple[float, ...] = ()
    places: PlaceReading = field(default_factory=PlaceReading)
    # positions of the asking sentences in `normalized`
    focus: frozenset[int] = frozenset()
    # "我儿子走了，政府给什么补贴", "开封 我能领什么钱": what the family can get, in general
    broad: bool = False
    # positions of the words stating the family's situation (孩子走了, 老两口; typo windows
    # left out: wider than the word they stand for), computed once for every clause's coverage
    stated: frozenset[int] = frozenset()

    def weight_of(self, k: int) -> float:
        return self.content_weights[k] if self.content_weights else 1.0

    @cached_property
    def topic_words(self) -> tuple[TopicWord, ...]:
        """The topic words as every clause's coverage reads them (built once per question)."""
        incidental = set(self.incidental)
        out = []
        for k, (start, end) in enumerate(self.content):
            found = _COMPOUND_BENEFIT.fullmatch(self.normalized, start, end)
            out.append(TopicWord(start, end, found.end(1) if found else None, self.weight_of(k),
                                 (start, end) in incidental, self.stated.issuperset(range(start, end))))
        return tuple(out)


@dataclass(frozen=True)
class TopicWord:
    """A topic word of the question, read for coverage."""

    start: int
    end: int
    # a benefit named by what it is for (护理补贴): where what it is for ends, see _covers
    purpose_end: int | None
    weight: float
    incidental: bool
    stated: bool  # the word is the family's situation (走了, 老两口)

    def covered(self, here: set[int]) -> bool:
        if self.purpose_end is not None:
            return _mostly(here, self.start, self.purpose_end)
        return not here.isdisjoint(range(self.start, self.end))


@dataclass(frozen=True)
class Hit:
    clause: Clause
    score: float
    coverage: float
    matched: tuple[str, ...]
    sentence: str
    highlight: str
    # False when every sentence of the clause is for another situation than the question's
    fits: bool = True
    # the clause states the substance (a sum) only for other situations than the question's
    none_for_situation: bool = False
    alternatives: tuple[Alternative, ...] = ()


@dataclass
class SearchResult:
    query: Query
    answered: bool
    hits: list[Hit]
    jurisdiction: str | None
    reason: str
    elsewhere: list[Hit] = field(default_factory=list)
    # the document's own scope leaves out the situation the question states (Kaifeng: grade 4)
    excluded: bool = False


def _is_word(token: str) -> bool:
    return bool(_WORD.search(token))


class _Cuts:
    """The jieba cuts of one question, each text cut once: the analysis read the same text
    in up to four places (topic words, search terms, both repairs). Lives for one analysis
    only, so a repeated question is cut again like any other."""

    def __init__(self, tk: jieba.Tokenizer) -> None:
        self.tk = tk
        self._words: dict[str, tuple[tuple[str, int, int], ...]] = {}

    def words(self, text: str) -> tuple[tuple[str, int, int], ...]:
        """jieba's default (HMM) cut as (word, start, end), like Tokenizer.tokenize."""
        known = self._words.get(text)
        if known is None:
            out, start = [], 0
            for word in self.tk.cut(text):
                out.append((word, start, start + len(word)))
                start += len(word)
            known = self._words[text] = tuple(out)
        return known

    def search_words(self, text: str) -> list[tuple[str, int, int]]:
        """Tokenizer.tokenize(text, mode="search") from the same cut: each word's known
        two- and three-character parts, then the word."""
        freq = self.tk.FREQ
        out: list[tuple[str, int, int]] = []
        for word, start, end in self.words(text):
            n = end - start
            if n > 2:
                out.extend((word[i:i + 2], start + i, start + i + 2) for i in range(n - 1) if freq.get(word[i:i + 2]))
            if n > 3:
                out.extend((word[i:i + 3], start + i, start + i + 3) for i in range(n - 2) if freq.get(word[i:i + 3]))
            out.append((word, start, end))
        return out


class ClauseIndex:
    """An in-memory BM25 index over the answerable clauses of all five documents."""

    def __init__(self, clauses: Iterable[Clause], lexicon: Lexicon) -> None:
        self.lexicon = lexicon
        self.tk = tokenizer()
        by_id = {c.id: c for c in clauses}
        self.clauses = [c for c in by_id.values() if c.answerable]
        self.position = {c.id: i for i, c in enumerate(self.clauses)}  # clause id -> index
        self.postings: dict[str, list[tuple[int, int]]] = defaultdict(list)
        self.lengths: list[int] = []
        self.token_sets: list[frozenset[str]] = []
        for i, clause in enumerate(self.clauses):
            titles = [by_id[a].title or "" for a in _ancestors(clause, by_id)]
            if clause.title and clause.title not in clause.text:
                titles.append(clause.title)
            # a list item completes its parent's lead sentence: "女方年满49周岁。" is a condition
            # only under "扶助对象应同时符合以下条件：", so the item is found by those words too
            if clause.parent in by_id:
                titles.extend(_LEAD_SENTENCE.findall(by_id[clause.parent].text))
            tokens = self._index_tokens("\n".join([clause.text, *titles]))
            counts = Counter(tokens)
            for term, tf in counts.items():
                self.postings[term].append((i, tf))
            self.lengths.append(len(tokens))
            self.token_sets.append(frozenset(counts))
        self.avg_length = sum(self.lengths) / max(len(self.lengths), 1)
        n = len(self.clauses)
        self.idf = {t: math.log(1 + (n - len(p) + 0.5) / (len(p) + 0.5)) for t, p in self.postings.items()}
        # each term's BM25 share per clause, computed once here rather than in every search,
        # for all clauses and per document (a search with a city reads only that city's)
        self.docs = [c.doc for c in self.clauses]
        self.bm25: dict[str | None, dict[str, list[tuple[int, float]]]] = defaultdict(dict)
        for term, posting in self.postings.items():
            idf = self.idf[term]
            for i, tf in posting:
                norm_len = 1 - B + B * self.lengths[i] / self.avg_length
                share = (i, idf * tf * (K1 + 1) / (tf + K1 * norm_len))
                self.bm25[None].setdefault(term, []).append(share)
                self.bm25[self.docs[i]].setdefault(term, []).append(share)
        self._build_typo_tables()
        # the vocabulary a character typed as pinyin may complete, by each of its characters
        self._pinyin_syllables = frozenset(r for readings in lexicon.pinyin.values() for r in readings)
        self._words_by_char: dict[str, list[str]] = defaultdict(list)
        for word in sorted({t for t in self.postings if 2 <= len(t) <= 4 and not t.isascii()}
                           | {t for t in lexicon.domain_terms if 2 <= len(t) <= 4}):
            for ch in set(word):
                self._words_by_char[ch].append(word)
        self._index_synonyms()
        # every start of an intent phrase, the longest one there (its positions hold the
        # shorter ones'): one regex pass instead of a str.find per phrase
        self._intent_starts = re.compile("(?=(" + "|".join(
            re.escape(p) for p in sorted(lexicon.intents, key=lambda p: (-len(p), p)) if p) + "))")
        self._synonym_map = dict(lexicon.synonyms)
        self._expansions: dict[str, tuple[str, ...]] = {}
        self._probabilities: dict[str, float] = {}
        self.titles = {d.code: normalize(d.title) for d in load_catalogue()}
        # clauses about the government's own work (guiding ideas, targets, leadership, funds,
        # publicity): rarely what a family asks, often what a story's many words match
        self.organisational = frozenset(i for i, c in enumerate(self.clauses)
                                        if c.title and _ORGANISATIONAL.search(c.title))
        # the sums the documents grant in yuan (1430, 650, 300: not years or document numbers)
        self.amounts = frozenset(int(a) for c in self.clauses for a in _SUM_STATED.findall(doc_norm(c.text))
                                 if a in self.postings and int(a) >= MIN_SUM)
        self.stating_sums = frozenset(i for i, c in enumerate(self.clauses) if AMOUNT_STATED.search(doc_norm(c.text)))
        self.aspect_clauses = {aspect: frozenset(i for i, c in enumerate(self.clauses) if states(aspect, c.text))
                               for aspect in ASPECTS}

    # -- indexing -------------------------------------------------------------------
    def _index_tokens(self, text: str) -> list[str]:
        return [t for t in self.tk.cut_for_search(normalize(text)) if self._keep(t)]

    def _keep(self, token: str) -> bool:
        return _is_word(token) and token not in self.lexicon.stopwords

    def _build_typo_tables(self) -> None:
        """Words a typo may stand for, grouped by (length, usual pinyin of first char)."""
        # Two-character general words collide too often by sound (没人 / 每人), so only
        # domain terms, colloquial synonym keys and longer indexed words are targets.
        vocab = {t for t in self.postings if len(t) >= 3 and not t.isascii()}
        vocab.update(t for t in self.lexicon.domain_terms if len(t) >= 2)
        vocab.update(p for p, _ in self.lexicon.synonyms if len(p) >= 2)
        self.by_sound: dict[tuple[int, str], list[str]] = defaultdict(list)
        for term in sorted(vocab):
            self.by_sound[(len(term), self.lexicon.primary(term[0]))].append(term)
        # Two-character indexed words are targets only for a two-character question word the
        # general dictionary does not know (建康 -> 健康, 审合 -> 审核): a real word is kept.
        self.short_by_sound: dict[str, list[str]] = defaultdict(list)
        freq = self.tk.FREQ
        for term in sorted(t for t in self.postings if len(t) == 2 and not t.isascii()
                           and len(self.postings[t]) >= REPAIR_TARGET_SALIENCE * freq.get(t, 0)):
            self.short_by_sound[self.lexicon.primary(term[0])].append(term)
        self.long_terms: dict[int, list[str]] = defaultdict(list)
        for term in self.lexicon.domain_terms:
            if len(term) >= 4:
                self.long_terms[len(term)].append(term)
        # each long term by its first and by its last two characters (see _edit_distance_terms)
        self._length_order = {length: k for k, length in enumerate(self.long_terms)}
        self._long_by_head: dict[str, list[tuple[int, str]]] = defaultdict(list)
        self._long_by_tail: dict[str, list[tuple[int, str]]] = defaultdict(list)
        for terms in self.long_terms.values():
            for rank, term in enumerate(terms):
                self._long_by_head[term[:2]].append((rank, term))
                self._long_by_tail[term[-2:]].append((rank, term))

    # -- query analysis -------------------------------------------------------------
    def analyse(self, question: str) -> Query:
        spoken = self._pinyin_letters(standardize(normalize(question)[:MAX_QUESTION_CHARS]))
        places = read_places(spoken)
        mentioned = list(places.codes)
        said = blank_places(spoken, places.mentions)
        # courtesy and hedges are read past (blanked for the analysis, kept in the text)
        norm = blank_courtesy(said)
        cuts = _Cuts(self.tk)
        terms, content = self._terms(norm, cuts)
        uncovered = _uncovered(content, terms)
        if uncovered:
            repaired = self._repair_homophones(norm, uncovered, cuts)
            repaired = self._repair_unknown_pairs(repaired, uncovered, cuts)
            if repaired != norm:
                norm = repaired
                terms, content = self._terms(norm, cuts)
                uncovered = _uncovered(content, terms)
            terms.extend(self._edit_distance_terms(norm, uncovered))
        terms.extend(self._sum_terms(norm))  # after the repairs: a sum is no typo window
        focus = asking_positions(norm)
        # a message naming two places (hukou in one, living in another): the parts that only
        # say where are context, never the topic ("住在柳州的养老院里" asks nothing of 养老院)
        where = self._where_parts(norm, places)
        if where:
            focus = (focus - where) | registered_parts(norm)
            terms = [t for t in terms if not where.issuperset(range(t.start, t.end))]
        wants_amount = _AMOUNT_ASKED.search(norm) is not None
        incidental = self._incidental_spans(norm, content)
        no_topic, weights = self._content_weights(norm, content, terms, focus, where)
        terms = self._focus_terms(terms, focus, weights)
        aspects = tuple(asked_aspects(norm))
        broad = no_topic and not aspects and _BENEFITS_ASKED.search(norm) is not None
        if norm != said:  # the text as written, with only the repairs made
            norm = "".join(w if n == "|" else n for n, w in zip(norm, said, strict=True))
        stated = frozenset(p for t in terms if t.term in self.lexicon.situation and t.source != "typo"
                           for p in range(t.start, t.end))
        return Query(question, norm, tuple(mentioned), tuple(content), tuple(terms), read_question(spoken),
                     wants_amount, aspects, incidental, weights, places, focus, broad, stated)

    @staticmethod
    def _where_parts(norm: str, places: PlaceReading) -> frozenset[int]:
        """The parts of a message naming two places that only say where the family is
        registered or lives (spoken.where_parts); none when it names one place or none."""
        named = [(m.start, m.end) for m in places.mentions]
        if not named:
            return frozenset()
        outside = outside_spans(norm)
        if len(places.codes) + bool(outside) < 2:
            return frozenset()
        return where_parts(norm, [*named, *outside])

    def _pinyin_letters(self, norm: str) -> str:
        """A character typed as its pinyin beside the characters of the word it belongs to
        (评di保 -> 评低保, xin理咨询 -> 心理咨询, yi疗 -> 医疗): the IME was left in letter mode
        or the character was not found. The letters become the character that makes, with
        the characters next to them, a word of the documents' vocabulary (the longest, then
        the one most clauses use); letters that make no such word stay as typed."""
        if not _LETTERS.search(norm):
            return norm
        out: list[str] = []
        last = 0
        for m in _LETTERS.finditer(norm):
            word = self._word_for_letters(norm, m.start(), m.end())
            if word is not None:
                out.extend([norm[last:m.start()], word])
                last = m.end()
        return "".join([*out, norm[last:]])

    def _word_for_letters(self, norm: str, start: int, end: int) -> str | None:
        """The characters the letters norm[start:end] stand for, or None."""
        syllables = _syllables(norm[start:end], self._pinyin_syllables)
        if syllables is None or len(syllables) > 2:
            return None
        n = len(syllables)
        best: tuple[int, int, str] | None = None
        for side, neighbour in ((1, norm[end:end + 1]), (-1, norm[start - 1:start] if start else "")):
            for word in self._words_by_char.get(neighbour, ()):
                for j, ch in enumerate(word):
                    if ch != neighbour:
                        continue
                    lo = j - n if side == 1 else j + 1  # where the typed syllables sit in the word
                    if lo < 0 or lo + n > len(word):
                        continue
                    if not all(syl in self.lexicon.readings(c) for syl, c in zip(syllables, word[lo:lo + n],
                                                                                  strict=True)):
                        continue
                    before, after = word[:lo], word[lo + n:]
                    if norm[:start].endswith(before) and norm.startswith(after, end):
                        rank = (len(word), len(self.postings.get(word, ())), word[lo:lo + n])
                        best = rank if best is None or rank[:2] > best[:2] else best
        return best[2] if best else None

    def _content_weights(self, norm: str, content: Sequence[tuple[int, int]], terms: Sequence[QueryTerm],
                         focus: frozenset[int], where: frozenset[int] = frozenset()
                         ) -> tuple[bool, tuple[float, ...]]:
        """Whether no word names a topic (only the family's situation and story), and how
        much each topic word counts: asking sentences fully, the story's document
        words a little, the story's other words (银行, 邻居, 律师) not at all. When the asking
        sentences name no topic of their own ("能给多少"), the story is the question."""
        known = {i for t in terms for i in range(t.start, t.end)}
        situation = {i for t in terms if t.term in self.lexicon.situation for i in range(t.start, t.end)}
        # "哪天开始执行" asks about the document itself: never story
        asking_about_document = {i for _, start, end in asked_aspects(norm) for i in range(start, end)}
        rows = []
        self_topics: list[bool] = []
        told = _is_story(norm)
        for start, end in content:
            word = norm[start:end]
            span = range(start, end)
            if where.issuperset(span):  # where the family lives: context (weight 0 below)
                rows.append((False, False, True, False))
                self_topics.append(False)
                continue
            in_docs = bool(known.intersection(span))
            story = (not in_docs and self.tk.FREQ.get(word, 0) >= STORY_FREQ
                     and not asking_about_document.intersection(span))
            asked = bool(focus.intersection(span))
            topical = not story and not situation.issuperset(span) and not self._incidental(word)
            rows.append((asked, in_docs, story, asked and topical))
            # an everyday word in the asking part is still what an out-of-scope question is about
            # (小吃, 按摩椅); in a story, a word of its telling (出过门, 不懂) is not, nor is an
            # everyday word of its asking part that names no thing (一样一样给我说说, 不懂)
            names_topic = ((topical and (asked or in_docs)) or (asked and story and word in nouns())) if told \
                else topical or (asked and story)
            self_topics.append(names_topic and word not in _GENERAL_BENEFIT)
        # a short message is all question: the asking part is weighed over a story only when there is one
        refers_back = not any(topical for *_, topical in rows) or not _is_story(norm)
        story_weight = STORY_WEIGHT if _is_story(norm) else 1.0
        # when a story's asking part refers back to it, the story's document words are the
        # topic and its everyday words (手抖, 碗面) only context
        context = story_weight if refers_back and _is_story(norm) else 1.0
        return not any(self_topics), tuple(
            0.0 if where.issuperset(range(start, end)) else
            (story_weight if story else 1.0 if asked or in_docs else context) if asked or refers_back
            else (NARRATIVE_WEIGHT if in_docs else 0.0)
            for (asked, in_docs, story, _), (start, end) in zip(rows, content, strict=True)
        )

    def _focus_terms(self, terms: list[QueryTerm], focus: frozenset[int], weights: Sequence[float]) -> list[QueryTerm]:
        """Search terms from the story count less than the asking sentences' own, unless the
        story is the question (every topic word counts fully)."""
        if not any(w in (0.0, NARRATIVE_WEIGHT) for w in weights):
            return terms  # nothing is narrative
        return [t if focus.intersection(range(t.start, t.end)) else replace(t, weight=t.weight * NARRATIVE_TERM_WEIGHT)
                for t in terms]

    def _incidental_spans(self, norm: str, content: Sequence[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
        """The topic-word spans that only colour the question, plus the object of a "can't"
        phrase (办不了|事, 烧不动|饭: the lone word the inability is about)."""
        out: list[tuple[int, int]] = []
        for k, (start, end) in enumerate(content):
            word = norm[start:end]
            after_cant = k > 0 and content[k - 1][1] == start and len(word) == 1 and word not in self.postings \
                and self._cant_phrase(norm[content[k - 1][0]:content[k - 1][1]])
            if after_cant or self._incidental(word):
                out.append((start, end))
        return tuple(out)

    def _cant_phrase(self, word: str) -> bool:
        return len(word) > 1 and "不" in word and word not in self.postings

    def _incidental(self, word: str) -> bool:
        """Does this question word only colour the question rather than name its topic?

        Three general classes, none tied to a question: numbers and counts (五十八, 六十岁,
        几个, 一份: the family's ages and figures, like the situation words); "can't"
        phrases the documents never use (跑不动, 受不了, 烧不动: the family's condition);
        and lone verbs, adjectives and time words the documents never use (跑, 配, 掏, 满).
        A lone noun keeps its weight: it is often a fragment of a word the dictionary does
        not know (血压|计, 微|信), and the topic of an out-of-scope question. A word the
        documents do use keeps its full weight, so a clause lacking it is still penalised.
        """
        if _NUMBER_WORD.fullmatch(word):
            return True
        if word in self.postings:
            return False
        return word in self.lexicon.lone_non_nouns or self._cant_phrase(word)

    def _topic_words(self, norm: str, cuts: _Cuts) -> Iterator[tuple[str, int, int]]:
        """The question's words. A word jieba's HMM guesses from characters the dictionary
        does not join (有个, 人能, 这钱, 没见, 那车) is read as those characters when some of
        them carry no topic (有|个, 那|车): a story's glue, not an unknown topic. A guess made
        only of characters that do (审合, 学门) stays one word: likely a typo or a word the
        dictionary lacks."""
        for word, start, end in cuts.words(norm):
            if end - start < 2 or word in self.tk.FREQ:
                yield word, start, end
                continue
            pieces = [(w, start + s, start + e) for w, s, e in self.tk.tokenize(word, HMM=False)]
            if all(self._keep(w) and w not in self.lexicon.intents for w, _, _ in pieces):
                yield word, start, end
            else:
                yield from pieces

    def _terms(self, norm: str, cuts: _Cuts) -> tuple[list[QueryTerm], list[tuple[int, int]]]:
        """Indexed words and synonym expansions of the question, and its topic words."""
        intent = {i for m in self._intent_starts.finditer(norm) for i in range(m.start(), m.start() + len(m.group(1)))}
        # an A-not-A question (发不发, 给没给, 收不收费) asks yes or no: its verb names no topic
        intent.update(i for m in _A_NOT_A.finditer(norm) for i in range(m.start(), m.end()))
        content = [
            (start, end)
            for word, start, end in self._topic_words(norm, cuts)
            if self._keep(word) and word not in self.lexicon.intents and not set(range(start, end)) <= intent
        ]
        terms = [
            QueryTerm(word, 1.0, start, end, "word")
            for word, start, end in cuts.search_words(norm)
            if self._keep(word) and word in self.postings
        ]
        terms.extend(self._synonym_terms(norm))
        return terms, content

    def _sum_terms(self, norm: str) -> list[QueryTerm]:
        """A sum the family names (那一千四, 两千八百六, 五百块, 1400) stands for the
        documents' sum it rounds to (每人每月1430元), or whose double it is (a couple's
        2860): "能领那一千四不" asks about the clause that grants 1430 yuan."""
        out: list[QueryTerm] = []
        for m in _SUM_SAID.finditer(norm):
            said = spoken_sum(m.group(0))
            if said is None:
                continue
            low, high = said
            for amount in self.amounts:
                if low <= amount < high or low <= 2 * amount < high:
                    out.append(QueryTerm(str(amount), SYNONYM_WEIGHT, m.start(), m.end(), "synonym"))
        return out

    def _expand(self, phrase: str, weight: float, start: int, end: int, source: str) -> list[QueryTerm]:
        """A document term and the indexed words inside it (住院护理补贴 -> 住院, 护理, 补贴)."""
        words = self._expansions.get(phrase)
        if words is None:  # the same canonical terms come back for every question: cut each once
            words = tuple(w for w in {phrase, *self.tk.cut_for_search(phrase)} if w in self.postings and self._keep(w))
            self._expansions[phrase] = words
        return [QueryTerm(w, weight, start, end, source) for w in words]

    def _synonym_candidates(self, norm: str) -> list[tuple[str, tuple[str, ...]]]:
        """The synonym phrases that can occur in `norm`, in the lexicon's order (longest
        first): only those whose first two characters do (or whose one character does).
        Trying all of them with str.find took most of a search's time."""
        found = {i for k in range(len(norm) - 1) for i in self._synonyms_by_pair.get(norm[k:k + 2], ())}
        found.update(i for ch in set(norm) for i in self._synonyms_by_char.get(ch, ()))
        return [self.lexicon.synonyms[i] for i in sorted(found)]

    def _index_synonyms(self) -> None:
        self._synonyms_by_pair: dict[str, list[int]] = defaultdict(list)
        self._synonyms_by_char: dict[str, list[int]] = defaultdict(list)
        for i, (phrase, _) in enumerate(self.lexicon.synonyms):
            if len(phrase) >= 2:
                self._synonyms_by_pair[phrase[:2]].append(i)
            elif phrase:
                self._synonyms_by_char[phrase].append(i)

    def _synonym_terms(self, norm: str) -> list[QueryTerm]:
        taken: set[int] = set()
        out: list[QueryTerm] = []
        for phrase, canonicals in self._synonym_candidates(norm):
            for start in _starts(norm, phrase):
                span = range(start, start + len(phrase))
                if not taken.intersection(span):
                    taken.update(span)
                    for canonical in canonicals:
                        out.extend(self._expand(canonical, SYNONYM_WEIGHT, span.start, span.stop, "synonym"))
        return out

    def _repair_homophones(self, norm: str, uncovered: set[int], cuts: _Cuts) -> str:
        """Rewrite pinyin-IME typos next to uncovered characters (服助金 -> 扶助金).

        A window is replaced by a known word of the same length that differs only in
        characters that sound alike, keeping at least half the characters identical.
        """
        chars = list(norm)
        stop = {i for w, s, e in cuts.words(norm) if w in self.lexicon.stopwords for i in range(s, e)}
        for length in range(6, 1, -1):
            for start in range(0, len(norm) - length + 1):
                window = "".join(chars[start:start + length])
                span = range(start, start + length)
                if not uncovered.intersection(span) or stop.intersection(span) or "|" in window:
                    continue
                if self.tk.FREQ.get(window, 0) >= KNOWN_WORD_FREQ:  # 救急 is a word, not a typo of 救济
                    continue
                for reading in self.lexicon.readings(window[0]):
                    term = next((t for t in self.by_sound.get((length, reading), ()) if self._sounds_like(window, t)),
                                None)
                    if term and self._clearly_better(chars, start, length, term):
                        chars[start:start + length] = term
                        uncovered = uncovered - set(range(start, start + length))
                        break
        return "".join(chars)

    def _clearly_better(self, chars: list[str], start: int, length: int, term: str,
                        margin: float = REPAIR_MARGIN) -> bool:
        """Is the text around the window far more likely with `term` in it? The general
        dictionary's segmentation scores both (log-probability): 服助金 -> 扶助金 gains 27,
        救组 -> 救助 7; a correct word never gains that much by a homophone (结扎 -> 节扎
        loses 3.5, 省里 -> 县里 gains 0, 听人 -> 因人 loses 0.5)."""
        lo, hi = max(0, start - REPAIR_CONTEXT), min(len(chars), start + length + REPAIR_CONTEXT)
        before = "".join(chars[lo:hi])
        after = "".join([*chars[lo:start], term, *chars[start + length:hi]])
        return self._log_probability(after) - self._log_probability(before) >= margin

    def _log_probability(self, text: str) -> float:
        known = self._probabilities.get(text)
        if known is None:
            route: dict[int, tuple[float, int]] = {}
            self.tk.calc(text, self.tk.get_DAG(text), route)
            known = route[0][0]
            if len(self._probabilities) < 100_000:  # bounded: questions are many, windows repeat
                self._probabilities[text] = known
        return known

    def _repair_unknown_pairs(self, norm: str, uncovered: set[int], cuts: _Cuts) -> str:
        """Rewrite a two-character question word the documents never use that sounds like one
        they do, when the general dictionary knows it as a far rarer word (建康 -> 健康: the IME
        offered the rare place name; 审合 -> 审核: no word at all). A common word is kept."""
        chars = list(norm)
        freq = self.tk.FREQ
        # jieba's HMM joins the two unknown characters of a typo into one word (审合)
        content = [(s, e) for w, s, e in cuts.words(norm) if self._keep(w)]
        for start, end in content:
            word = norm[start:end]
            if end - start != 2 or not uncovered.issuperset(range(start, end)):
                continue
            for reading in self.lexicon.readings(word[0]):
                term = next((t for t in self.short_by_sound.get(reading, ()) if self._sounds_like(word, t)
                             and freq.get(word, 0) * RARER_BY < freq.get(t, 0)), None)
                if term and self._clearly_better(chars, start, 2, term, PAIR_REPAIR_MARGIN):
                    chars[start:end] = term
                    break
        return "".join(chars)

    def _sounds_like(self, window: str, term: str) -> bool:
        same = sum(a == b for a, b in zip(window, term, strict=True))
        return same < len(term) and same * 2 >= len(term) and all(
            self.lexicon.sounds_like(a, b) for a, b in zip(window, term, strict=True)
        )

    def _edit_distance_terms(self, norm: str, uncovered: set[int]) -> list[QueryTerm]:
        """Long domain terms typed with one character dropped, added or wrong.

        A window one edit from a term of four or more characters begins with the term's
        first two characters or ends with its last two (the edit is in the other half), so
        only the windows at such a pair are compared: per window of each term's length (and
        one less or more), the nearest term, the lexicon's first on a tie."""
        found: dict[tuple[int, int, int], tuple[int, int, str]] = {}  # (length, size, start) -> best
        for k in range(len(norm) - 1):
            pair = norm[k:k + 2]
            for rank, term, at_start in (*((r, t, True) for r, t in self._long_by_head.get(pair, ())),
                                         *((r, t, False) for r, t in self._long_by_tail.get(pair, ()))):
                length = len(term)
                for size in (length - 1, length, length + 1):
                    start = k if at_start else k + 2 - size
                    key = (length, size, start)
                    if start < 0 or start + size > len(norm) or found.get(key, (2, 0, ""))[:2] <= (0, rank):
                        continue  # out of the text, or already matched exactly by an earlier term
                    if not uncovered.intersection(range(start, start + size)):
                        continue
                    distance = Levenshtein.distance(norm[start:start + size], term, score_cutoff=1)
                    if distance <= 1 and (distance, rank) < found.get(key, (2, 0, ""))[:2]:
                        found[key] = (distance, rank, term)
        out: list[QueryTerm] = []
        for length, size, start in sorted(found, key=lambda key: (self._length_order[key[0]], key[1], key[2])):
            out.extend(self._expand(found[(length, size, start)][2], TYPO_WEIGHT, start, start + size, "typo"))
        return out

    # -- ranking --------------------------------------------------------------------
    def search(self, question: str, jurisdiction: str | None = None, top: int = 3) -> SearchResult:
        query = self.analyse(question)
        scope = jurisdiction or query.places.governing
        granted = granting_clauses(scope, query.situation) if scope and query.wants_amount and query.situation \
            else frozenset()
        hits = self._rank(query, scope, top, granted)
        excluded = scope is not None and bool(query.situation) and document_excludes(scope, query.situation)
        # the decline decision, taken here and measured by reason (benchmarks/spoken_eval.py)
        answered, reason = self._confident(query, hits)
        if query.broad and scope is not None:
            # a city whose rules are under review has no overview (nor allowance rules): its best clauses, as found
            hits = self._allowance_hits(query, scope) if rules_published(scope) else hits
            answered = bool(hits)
        elif answered and not _asks_for_similar(query) and self._unknown_benefit(query, hits[0]):
            answered, reason = False, "unknown_benefit"
        elif answered and scope is not None and not excluded and (self._better_elsewhere(query, hits[0], scope)
                                                                  or self._named_city_only(query, hits[0])):
            answered, reason = False, "not_in_city"
        elif answered and other_place(question) is not None and (
                scope is None or own_place_elsewhere(normalize(question), query.places) is not None):
            # a place none of our documents covers (济南, 海陵区): its rule is not one of ours;
            # what our cities grant is shown only as theirs (result.elsewhere)
            answered, reason = False, "other_place"
        if excluded:
            hits = [replace(h, sentence="", highlight="", fits=False, none_for_situation=True, alternatives=())
                    for h in hits]
        hits = _fitting_first(hits)
        result = SearchResult(query, answered, hits if answered else [], scope, reason, excluded=excluded)
        if answered and scope is not None and (hits[0].none_for_situation or not hits[0].fits):
            result.elsewhere = self._fitting_elsewhere(query, scope)
        if reason == "other_place":
            result.elsewhere = list({h.clause.doc: h for h in reversed(hits)}.values())[::-1][:3]
        if not answered and scope is not None:
            others = [h for h in self._rank(query, None, 10) if h.clause.doc != scope]
            # other cities only where they do grant what was asked (取暖补贴: nobody does)
            if others and self._confident(query, others)[0] and not self._unknown_benefit(query, others[0]):
                best_per_doc: dict[str, Hit] = {}
                for hit in others:
                    best_per_doc.setdefault(hit.clause.doc, hit)
                # the city the message itself named as granting it comes first
                result.elsewhere = sorted(best_per_doc.values(),
                                          key=lambda h: h.clause.doc not in query.places.others)[:3]
        return result

    def _unknown_benefit(self, query: Query, best: Hit) -> bool:
        """Does the question ask for a benefit the best clause does not name? "取暖补贴":
        the word that says which subsidy (取暖) must be the clause's own, not only 补贴."""
        here = {p for t in self._present(query, self.position[best.clause.id]) for p in range(t.start, t.end)}
        situation = {p for t in query.terms if t.term in self.lexicon.situation for p in range(t.start, t.end)}
        norm = query.normalized
        for start, end in query.content:
            if not query.focus.intersection(range(start, end)) or here.intersection(range(start, end)):
                continue
            word = norm[start:end]
            if situation.intersection(range(start, end)) or word in _GENERAL_BENEFIT or self._incidental(word):
                continue
            if _BENEFIT_HEAD.match(norm, end):
                return True
        # ... or within one word: 护理补贴 asked of a clause that has only 补贴
        if any(query.focus.intersection(range(s, e)) and _COMPOUND_BENEFIT.fullmatch(norm, s, e)
               and norm[s:e] not in _GENERAL_BENEFIT and not _covers(here, norm, s, e) for s, e in query.content):
            return True
        # ... or a benefit the documents name, asked of a clause that names another one (长期护理保险
        # of a clause with 住院护理补贴保险, 意外险 of one with 养老保险)
        tokens = self.token_sets[self.position[best.clause.id]]
        text = doc_norm(best.clause.text)
        return any(query.focus.intersection(range(s, e)) and norm[s:e] not in _GENERAL_BENEFIT
                   and not situation.intersection(range(s, e)) and not self._names_benefit(norm[s:e], tokens, text)
                   for s, e in [*query.content, *self._split_names(query, here)])

    def _split_names(self, query: Query, here: set[int]) -> list[tuple[int, int]]:
        """The benefit names the word cutter split (_cut_benefit_names): 精神|损失|费能 and
        火化|费免 are judged whole, as 精神损失费 and 火化费 (_names_benefit)."""
        situation = {p for t in query.terms if t.term in self.lexicon.situation for p in range(t.start, t.end)}
        return _cut_benefit_names(query.normalized, query.content, situation)

    def _names_benefit(self, word: str, tokens: frozenset[str], text: str = "") -> bool:
        """Does a clause with these words name the benefit `word`? An insurance or a fee is a
        specific kind (意外险 is not 养老保险, 火化费 not 医疗费): named by what it is for
        (意外险: 意外; 长期护理保险: 长期, 护理), it is named when the clause has the
        benefit's own term, or each word of what it is for (or a document term that word
        stands for), in the word as asked or in a document term it stands for. A word that is
        no such benefit, or whose purpose the documents never name, is not judged here."""
        if _NAMED_PRODUCT.fullmatch(word) is None:
            return True
        forms = [word, *self._synonym_map.get(word, ())]
        if any(form in tokens for form in forms):
            return True
        judged = False
        for form in forms:
            found = _NAMED_BENEFIT.fullmatch(form)
            if found is None:
                continue
            judged = judged or form in self.postings
            units = [u for u in self.tk.lcut(found.group(1), HMM=False) if self._keep(u)
                     and u not in self.lexicon.situation and (u in self.postings or u in self._synonym_map)]
            fee = _FEE_HEAD.search(form, found.end(1)) is not None
            # ... and the clause speaks of that kind at all: an insurance of some insurance
            # (养老保险 is not named by 养老扶助制度), a fee of some fee or charge
            head = form[found.end(1):]
            if text and not any(k in text for k in _PRODUCT_KINDS.get(head[-1], (head,))):
                judged = judged or bool(units)
                continue
            if units and all(u in tokens or any(c in tokens and (not fee or not text or _fee_named(c, text))
                                                for c in self._synonym_map.get(u, ())) for u in units):
                return True
            judged = judged or bool(units)
        return not judged

    def _better_elsewhere(self, query: Query, best: Hit, scope: str) -> bool:
        """Is what the question asks plainly another city's benefit? When another document
        covers the question far better than the city's own best clause, the city's clause is
        only loosely related (120 ambulance fees asked of a city that waives none): the
        answer must say this city grants none, and which city does."""
        if best.coverage >= ELSEWHERE_OWN_BELOW or query.places.others:
            # a message that itself names the other city ("开封给…，我们柳州有没有类似的") is
            # worded after that city's clause: its own city's nearest clause is the answer
            return False
        _, scored = self._scored(query, None, 8)
        return any(self.clauses[i].doc != scope and score >= MIN_SCORE and coverage >= best.coverage + ELSEWHERE_MARGIN
                   and score >= best.score * ELSEWHERE_SCORE_RATIO for i, score, coverage in scored)

    def _named_city_only(self, query: Query, best: Hit) -> bool:
        """"安康每年给失独的免费体检一次，临沂有没有？": is what the message says the other city
        grants plainly that city's alone? When the named city's clause covers the question far
        better than the family's own city's best clause (the same measure as _better_elsewhere),
        the own city's clause is only loosely related: its document grants none of this, and
        the answer names the city that does. A message asking for something similar (类似) is
        answered with its own city's nearest clause, and a message naming the other city only as
        where the family lives (户口在临沂，住在柳州) is not comparing."""
        if not query.places.others or query.places.reason != "ours" or _asks_for_similar(query):
            return False
        for other in query.places.others:
            _, scored = self._scored(query, other, 1)
            if scored and scored[0][1] >= MIN_SCORE and scored[0][2] >= best.coverage + ELSEWHERE_MARGIN \
                    and scored[0][1] >= best.score * ELSEWHERE_SCORE_RATIO:
                return True
        return False

    def _allowance_hits(self, query: Query, scope: str) -> list[Hit]:
        """For a question after benefits in general: the clauses of the city's monthly
        allowance, the one for the family's stated situation first. The answer leads with an
        overview of everything the city grants (dialogs/overview.py); these are its sources."""
        child = query.situation.get("child")
        rules = [r for r in load_rules(scope).rules if "monthly_allowance" in r.compare]
        rules.sort(key=lambda r: 0 if child is None or any(
            leaf.get("child_status") in (child, None) for leaf in leaves(r.conditions)) else 1)
        ids = list(dict.fromkeys(r.citation.clause for r in rules if r.citation.clause in self.position))
        weights = {t.term: t.weight for t in query.terms}
        return [self._hit(query, self.position[cid], MIN_SCORE, 1.0, weights) for cid in ids[:2]]

    def _fitting_elsewhere(self, query: Query, scope: str) -> list[Hit]:
        """The other cities whose documents do state something for this situation."""
        best_per_doc: dict[str, Hit] = {}
        for hit in self._rank(query, None, 12):
            if hit.clause.doc == scope or not hit.fits or hit.none_for_situation:
                continue
            if query.wants_amount and not AMOUNT_STATED.search(doc_norm(hit.sentence)):
                continue
            best_per_doc.setdefault(hit.clause.doc, hit)
        return list(best_per_doc.values())[:4]

    def _rank(self, query: Query, scope: str | None, top: int, granted: frozenset[str] = frozenset()) -> list[Hit]:
        weights, scored = self._scored(query, scope, top, granted)
        if not scored:
            return []
        best = scored[0][1]
        return [self._hit(query, i, score, cov, weights) for i, score, cov in scored if score >= best * RELATIVE_CUTOFF]

    def _scored(self, query: Query, scope: str | None, top: int, granted: frozenset[str] = frozenset()
                ) -> tuple[dict[str, float], list[tuple[int, float, float]]]:
        """The term weights, and the leading clauses as (index, BM25 score, coverage), best
        first: the ranking without building the answers (which choose a key sentence)."""
        weights: dict[str, float] = {}
        about_family = situation_positions(query.normalized) if query.wants_amount and query.situation else set()
        for t in query.terms:
            weight = t.weight
            if about_family and set(range(t.start, t.end)) <= about_family:
                weight *= SITUATION_WEIGHT
            weights[t.term] = max(weights.get(t.term, 0.0), weight)
        scores: dict[int, float] = defaultdict(float)
        shares = self.bm25.get(scope or None, {})
        for term, weight in weights.items():
            for i, share in shares.get(term, ()):
                scores[i] += weight * share
        # A question about the document itself (哪天生效, 废止了哪个) finds the clause that says so.
        for aspect in {a for a, _, _ in query.aspects}:
            for i in self.aspect_clauses[aspect]:
                if not scope or self.clauses[i].doc == scope:
                    scores[i] += ASPECT_SCORE
        # Re-rank the leading candidates by how much of the question each one covers: a
        # clause that answers every part beats one that repeats a single word often.
        leading = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))[: max(top, 1) + RERANK_POOL]
        scored = [(i, score, self._coverage(query, self._present(query, i), i)) for i, score in leading]
        about_work = _ABOUT_THE_WORK.search(query.normalized) is not None
        scored.sort(key=lambda x: -x[1] * (1 - COVERAGE_WEIGHT + COVERAGE_WEIGHT * x[2])
                    * self._amount_bonus(query, x[0])
                    * (ORGANISATIONAL_FACTOR if x[0] in self.organisational and not about_work else 1.0)
                    * (1 + GRANTED_BONUS if self.clauses[x[0]].id in granted else 1.0))
        return weights, scored[: max(top, 1)]

    def _amount_bonus(self, query: Query, i: int) -> float:
        if query.wants_amount and i in self.stating_sums:
            return 1 + AMOUNT_BONUS
        return 1.0

    def _present(self, query: Query, i: int) -> list[QueryTerm]:
        return [t for t in query.terms if t.term in self.token_sets[i]]

    def _hit(self, query: Query, i: int, score: float, coverage: float, weights: dict[str, float]) -> Hit:
        clause = self.clauses[i]
        matched = tuple(sorted({t.term for t in self._present(query, i)}, key=lambda t: (-len(t), t)))
        key = choose(clause.text, query.situation, query.wants_amount,
                     lambda sentence: self._sentence_value(sentence, matched, weights, query.wants_amount,
                                                           query.normalized))
        return Hit(clause, round(score, 4), round(coverage, 3), matched, key.sentence, _mark(key.sentence, matched),
                   key.fits, key.none_for_situation, key.alternatives)

    def _coverage(self, query: Query, present: list[QueryTerm], clause_index: int | None = None) -> float:
        """Share of the question's topic words this clause covers.

        Words about the family's own situation (孩子走了, 老两口) count as covered by any
        clause once the clause covers at least one word about the topic itself.
        """
        if not query.content:
            return 0.0
        # a word inside the family's situation (家庭 in 失独老人) says whose question, not what about
        stated = query.stated
        here = {p for t in present if t.term not in self.lexicon.situation
                and not stated.issuperset(range(t.start, t.end)) for p in range(t.start, t.end)}
        if clause_index is not None:  # the document-itself phrase is covered by the clause that states it
            stating = [(start, end) for aspect, start, end in query.aspects
                       if clause_index in self.aspect_clauses[aspect]]
            here |= {p for start, end in stating for p in range(start, end)}
            if stating:  # ... and so are the words that name the document ("全方位帮扶的新文件")
                title = self.titles[self.clauses[clause_index].doc]
                here |= {p for s, e in query.content if query.normalized[s:e] in title for p in range(s, e)}
        words = query.topic_words
        total = sum(w.weight for w in words)
        covered = [w.covered(here) for w in words]
        topical = sum(w.weight for w, c in zip(words, covered, strict=True) if c)
        if not topical or not total:
            return 0.0
        about_family = sum(
            w.weight * (INCIDENTAL_CREDIT if w.incidental and not w.stated else 1.0)
            for w, c in zip(words, covered, strict=True)
            # a word that is the family's situation (走了, 老两口), not one that only contains a
            # situation word (家庭 in 家庭医生)
            if (w.stated or w.incidental) and not c
        )
        return (topical + about_family) / total

    def _sentence_value(self, sentence: str, matched: Sequence[str], weights: dict[str, float],
                        wants_amount: bool, question: str = "") -> float:
        norm = doc_norm(sentence)
        score = sum(self.idf[t] * weights[t] for t in matched if t in norm)
        if wants_amount and AMOUNT_STATED.search(norm) and score > 0:
            period = asked_period(question)
            # a sum of the period asked about (每月) beats a sum of another one (一次性)
            score *= 2 if period is None or PERIOD_WORDS[period].search(norm) else 1.2
        return score

    def _confident(self, query: Query, hits: list[Hit]) -> tuple[bool, str]:
        if query.broad:
            return False, "broad"
        if not query.content:
            return False, "empty"
        if not hits:
            return False, "no_match"
        if hits[0].coverage < MIN_COVERAGE and not self._strong_match(query, hits):
            return False, "low_coverage"
        if hits[0].score < MIN_SCORE:
            return False, "low_score"
        if self._work_only(query, hits[0]):
            return False, "work_only"
        return True, "ok"

    def _work_only(self, query: Query, best: Hit) -> bool:
        """Is the best clause about the government's own work (publicity, targets, funds) and
        shares only one word with a question that does not ask about that work? "修电视机"
        finds 电视 in a list of the media a publicity clause names: no service is granted there."""
        if self.position[best.clause.id] not in self.organisational or _ABOUT_THE_WORK.search(query.normalized):
            return False
        words = [t for t in best.matched if t not in self.lexicon.situation]
        distinct = [t for t in words if not any(t != o and t in o for o in words)]
        return len(distinct) < 2

    @staticmethod
    def _strong_match(query: Query, hits: list[Hit]) -> bool:
        """Does the best clause of a story match its document terms strongly and alone?"""
        best = hits[0]
        return (_is_story(query.normalized) and best.score >= STRONG_SCORE and best.coverage >= STRONG_MIN_COVERAGE
                and all(h.score * STRONG_LEAD <= best.score for h in hits[1:]))


def _cut_benefit_names(norm: str, content: Sequence[tuple[int, int]], situation: set[int]) -> list[tuple[int, int]]:
    """A product benefit's name the word cutter split ("精神|损失|费能", "丧葬|费用"): up to
    two adjacent words before a word that starts with the kind (费, 保险), read as one name
    (精神损失费), so it is judged as a whole like 意外险. The family's situation (走了以后)
    is never part of the name, nor more than a name's length of words (走了以后|殡葬|费 is 殡葬费)."""
    out: list[tuple[int, int]] = []
    for k, (start, end) in enumerate(content):
        head = _PRODUCT_HEAD.match(norm, start, end)
        if head is None or k == 0:
            continue
        first = k
        while first > 0 and k - first < 2 and content[first - 1][1] == content[first][0] \
                and not situation.intersection(range(*content[first - 1])) \
                and start - content[first - 1][0] <= MAX_NAME_CHARS:
            first -= 1
        if first < k and (content[first][0], head.end()) not in content:
            out.append((content[first][0], head.end()))
    return out


def _fitting_first(hits: list[Hit]) -> list[Hit]:
    """A clause with nothing for the family's situation does not lead when another clause
    that does have something matches the question nearly as well; otherwise it stays first,
    and its answer says it is for other families (better than leading with an unrelated one)."""
    if not hits or hits[0].fits:
        return hits
    better = next((h for h in hits if h.fits and h.score >= hits[0].score * FIT_PROMOTE), None)
    return hits if better is None else [better, *(h for h in hits if h is not better)]


def _asks_for_similar(query: Query) -> bool:
    """"开封给…，我们柳州有没有类似的": the nearest benefit of the family's own city answers."""
    return bool(query.places.others) and _SIMILAR.search(query.normalized) is not None


def _covers(covered: set[int], norm: str, start: int, end: int) -> bool:
    """Is this question word covered (any of it: a colloquial phrase may cross the words,
    上门来|看看 by 来看)? A benefit named by what it is for (护理补贴, 意外伤害保险) is covered
    only when what it is for mostly is: 补贴 alone is any subsidy."""
    found = _COMPOUND_BENEFIT.fullmatch(norm, start, end)
    if found:
        return _mostly(covered, start, found.end(1))
    return bool(covered.intersection(range(start, end)))


def _mostly(covered: set[int], start: int, end: int) -> bool:
    """Is at least half of this word covered? 意外伤害保险 is not covered by 保险 alone (a
    clause about another insurance), 家庭医生 is by 医生, 残疾证 by 残疾."""
    return 2 * len(covered.intersection(range(start, end))) >= end - start


def _is_story(norm: str) -> bool:
    """Does the message tell a story around its question (two full sentences, or long)?"""
    return len(norm) > STORY_MIN_CHARS or len([p for p in re.split(r"[。.!！?？\n]", norm) if p.strip()]) > 1


def _syllables(letters: str, valid: frozenset[str]) -> list[str] | None:
    """The letters cut into pinyin syllables (dibao -> di, bao), or None when they are none."""
    if letters in valid:
        return [letters]
    for k in range(len(letters) - 1, 0, -1):
        if letters[:k] in valid and letters[k:] in valid:
            return [letters[:k], letters[k:]]
    return None


def _uncovered(content: Iterable[tuple[int, int]], terms: Iterable[QueryTerm]) -> set[int]:
    covered = {i for t in terms for i in range(t.start, t.end)}
    return {i for start, end in content if not covered.intersection(range(start, end)) for i in range(start, end)}


def _starts(text: str, phrase: str) -> Iterator[int]:
    """Every position where `phrase` starts in `text`, overlapping ones included."""
    start = text.find(phrase)
    while start >= 0:
        yield start
        start = text.find(phrase, start + 1)


def _ancestors(clause: Clause, by_id: dict[str, Clause]) -> list[str]:
    out, parent = [], clause.parent
    while parent:
        out.append(parent)
        parent = by_id[parent].parent
    return out


# a question after benefits in general: money, help, policies (with no topic word of its own)
_BENEFITS_ASKED = re.compile(r"钱|补贴|补助|待遇|政策|扶助|照顾|帮助|帮扶|好处|福利|领|享受|给什么|给啥|管不管"
                             r"|给些什么|拿到什么|能拿什么|能得到什么|有些什么|有哪些|有什么")
# Measured on the development sets: a city's clause is "loosely related" when it covers
# under 0.7 of the question, another city's covers 0.2 more and scores 2.5 times as high.
ELSEWHERE_OWN_BELOW = 0.7
ELSEWHERE_MARGIN = 0.2
ELSEWHERE_SCORE_RATIO = 2.5
# a benefit named by what it is for: 取暖补贴, 交通补助, 意外保险, 物业费, 助学金
_BENEFIT_HEAD = re.compile(r"补贴|补助|津贴|保险|险|费|金|救助")
_SIMILAR = re.compile(r"类似|差不多|一样的|这样的|像这样|相似|同样")
# Clauses about the government's own work rank below a clause about a benefit unless the
# question asks about that work (谁负责, 经费, 宣传, 考核).
ORGANISATIONAL_FACTOR = 0.75
_ORGANISATIONAL = re.compile(r"指导思想|工作目标|原则|意义|组织领导|加强领导|统筹|宣传|经费|考核|督查|重点任务"
                             r"|信息系统|全社会力量")
_ABOUT_THE_WORK = re.compile(r"领导|负责|部门|经费|资金|宣传|考核|督查|目标|原则|意义|思想|信息系统|谁管|哪个单位|考评")
# a benefit word named by what it is for: 护理补贴, 意外伤害保险, 医疗费, 扶助金
# a benefit word as asked, with what it is for: 意外险, 长期护理保险, 火化费; and the kinds
# that are specific products (an insurance, a fee), never a general word for support
_NAMED_BENEFIT = re.compile(r"(.{2,}?)(?:补贴|补助|津贴|保险|险|费用|费|金|救助)")
_NAMED_PRODUCT = re.compile(r"(.{2,}?)(?:保险|险|费用|费)")
# what a benefit is for, as named: 精神损失, 长期护理, 意外伤害
MAX_NAME_CHARS = 4
_PRODUCT_HEAD = re.compile(r"保险|险|费用|费")
# a fee (火化费) is a sum paid for one service: the clause names it by a broader word only
# when it waives or pays a fee of that word (基本殡葬服务费用, 殡葬服务收费), not when the
# word only heads what it grants (开封 "落实殡葬服务": a free grave, no cremation fee)
_FEE_HEAD = re.compile(r"费")
# how a clause speaks of a product's kind: an insurance (保险, 险), a fee (费, 收费, 免除…费)
_PRODUCT_KINDS = {"险": ("险",), "费": ("费",), "用": ("费",)}
FEE_NAME_GAP = 6


def _fee_named(word: str, text: str) -> bool:
    return re.search(re.escape(word) + rf"[^。；，,;]{{0,{FEE_NAME_GAP}}}费", text) is not None


_COMPOUND_BENEFIT = re.compile(r"(.{2,}?)(?:补贴|补助|津贴|保险|费用|费|金|救助)")
# words that ask after help in general, not after one benefit: "都有哪些政策", "能得到啥照顾"
_GENERAL_BENEFIT = frozenset({"政策", "帮扶", "扶助", "照顾", "待遇", "优惠", "好处", "福利", "帮助", "补贴", "补助",
                              "救助",
                              "关怀", "扶持", "享受", "得到", "特殊", "家庭", "计生", "计划生育", "失独", "失独家庭",
                              "特殊家庭", "计生特殊家庭", "哪些", "一些", "给些", "有些", "东西",
                              "现在"})
_A_NOT_A = re.compile(r"([\u4e00-\u9fff])[不没]\1")
_AMOUNT_ASKED = re.compile(r"多少|几块|几千|几百|标准|金额|给多少|钱")
# a number or count as one word: 五十八, 六十岁, 60周岁, 几个, 一份, 两口
_NUMBER_WORD = re.compile(r"[0-9零〇一二两三四五六七八九十百千万几多半]+"
                          r"(?:周岁|岁|个|份|名|位|次|口|块|元|年|月|天|周|号|来天)?")
# a sum in yuan as the documents state it, and as a family says it (digits, or words with a
# hundred or a thousand in them); ages and counts are smaller than MIN_SUM
_SUM_STATED = re.compile(r"(\d{3,5})\s*元")
_SUM_SAID = re.compile(r"\d{3,5}(?![\d.年号])"
                       r"|[一二两三四五六七八九十][一二两三四五六七八九十百千零]*[百千][一二两三四五六七八九零]*")
MIN_SUM = 100
_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"两": 2}
_UNITS = {"十": 10, "百": 100, "千": 1000}


def spoken_sum(said: str) -> tuple[int, int] | None:
    """The range a sum as said covers: "一千四" -> [1400, 1500) (a trailing digit is of the
    next lower unit, the rest rounded away) and so "1400", "两千八百六" -> [2860, 2870),
    "五百" -> [500, 510), "500" -> [500, 501). None for anything else (ages, 一二)."""
    if said.isdigit():
        value = int(said)
        if value < MIN_SUM:
            return None
        # 1400 is said like 一千四 (1430 rounded down); 500 is five hundred
        return (value, value + 100) if value >= 1000 and value % 100 == 0 and value % 1000 else (value, value + 1)
    total, digit, unit = 0, None, 1
    for ch in said:
        if ch in _DIGITS:
            if digit is not None:  # 一二 is no number
                return None
            digit = _DIGITS[ch]
        elif ch in _UNITS:
            if _UNITS[ch] == 10 and digit is None:
                digit = 1
            if digit is None or (unit != 1 and _UNITS[ch] >= unit):
                return None
            unit = _UNITS[ch]
            total += digit * unit
            digit = None
        else:
            return None
    if digit is not None:  # 一千四: the four is of hundreds
        if unit == 1 or unit == 10:
            return None
        unit //= 10
        total += digit * unit
    elif unit > 10:  # a round sum (五百, 一千) is that sum
        unit //= 10
    if total < MIN_SUM:
        return None
    return total, total + unit


def _mark(sentence: str, terms: Sequence[str]) -> str:
    """Wrap every stretch of matched terms in 【】 (overlapping matches merged)."""
    marked = [False] * len(sentence)
    for term in terms:
        start = sentence.find(term)
        while start >= 0:
            marked[start:start + len(term)] = [True] * len(term)
            start = sentence.find(term, start + 1)
    out: list[str] = []
    for i, ch in enumerate(sentence):
        if marked[i] and (i == 0 or not marked[i - 1]):
            out.append("【")
        out.append(ch)
        if marked[i] and (i == len(sentence) - 1 or not marked[i + 1]):
            out.append("】")
    return "".join(out)


@cache
def default_index() -> ClauseIndex:
    """The index over the shipped documents, built once per process (about 0.1 s)."""
    return ClauseIndex(load_clauses(), load_lexicon())


def search(question: str, jurisdiction: str | None = None, top: int = 3) -> SearchResult:
    return default_index().search(question, jurisdiction, top)

