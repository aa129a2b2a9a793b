"""Feelings said in other words: 想念 (Cantonese 挂住), 孩子要是在, 寒心 (issue 22)."""

from dialogs.feelings import feeling_of


def test_missing_and_sorrow_in_other_words() -> None:
    assert feeling_of("柳州嘅，好挂住我个仔") == "missing"
    assert feeling_of("孩子要是在，哪用得着求人") == "missing"
    assert feeling_of("临沂就给这几百块钱，想想就寒心") == "sad"
