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
