"""Small, explainable intent tests on a user's free text (no model, no guessing)."""

from __future__ import annotations

# Phrases of someone asking what *their* family can get: the interview answers that better
# than a clause does, so the answer offers it.
ENTITLEMENT_PHRASES = (
    "能享受", "可以享受", "能领", "可以领", "能拿", "能得到", "有哪些待遇", "有什么待遇", "什么补助", "哪些补助",
    "哪些帮扶", "什么帮扶", "我家", "我们家", "符合条件", "够不够条件", "有没有资格", "能不能申请",
)


def wants_entitlement_check(text: str) -> bool:
    return any(p in text for p in ENTITLEMENT_PHRASES)


# How a sentence that asks something ends or begins. A contact who tapped 写备注 and then asks
# "扶助金怎么申请？" wants an answer, not a note in the inspection export; a real note ("老人腿脚
# 不便，需要轮椅") reads as a statement.
QUESTION_ENDINGS = ("?", "？", "吗", "嘛", "么", "呢")
QUESTION_OPENINGS = ("请问", "问一下", "想问", "咨询")
QUESTION_WORDS = ("多少钱", "多少", "怎么", "怎样", "如何", "能不能", "可不可以", "可以吗", "有没有", "是不是",
                  "哪些", "哪里", "哪个", "什么时候", "几岁", "几级", "为什么")


def looks_like_question(text: str) -> bool:
    """A sentence put as a question (its mark or particle, an opening like 请问, or a question
    word such as 多少 / 怎么 / 能不能); statements with 什么 in them ("没什么需要") are not."""
    stripped = text.strip().rstrip("。.!！~～ ")
    if not stripped:
        return False
    return (stripped.endswith(QUESTION_ENDINGS) or stripped.startswith(QUESTION_OPENINGS)
            or any(word in stripped for word in QUESTION_WORDS))
