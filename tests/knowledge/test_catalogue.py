import pytest

from knowledge.catalogue import (
    UnknownJurisdiction,
    get_document,
    load_catalogue,
    resolve_jurisdiction,
    source_sha256,
)


def test_five_documents_with_their_numbers_and_status():
    docs = {d.code: d for d in load_catalogue()}
    assert set(docs) == {"ankang", "linyi", "jiangyan", "kaifeng", "liuzhou"}
    assert docs["kaifeng"].number == "汴政办〔2023〕24号"
    assert docs["kaifeng"].effective.isoformat() == "2023-08-01"
    assert docs["kaifeng"].repeals == ("汴政办〔2015〕159号", "汴政办〔2017〕80号")
    assert docs["liuzhou"].repeals == ("柳政办〔2013〕154号",)
    assert docs["jiangyan"].number is None and docs["jiangyan"].is_draft
    assert all(not d.is_draft for code, d in docs.items() if code != "jiangyan")


@pytest.mark.parametrize("doc", load_catalogue(), ids=lambda d: d.code)
def test_shipped_source_is_the_reviewed_file(doc):
    # The catalogue pins the bytes; a changed source must be re-reviewed.
    assert source_sha256(doc) == doc.sha256
    assert doc.raw_text().strip()


@pytest.mark.parametrize(
    ("typed", "code"),
    [("kaifeng", "kaifeng"), ("KaiFeng", "kaifeng"), ("开封", "kaifeng"), ("开封市", "kaifeng"),
     ("姜堰", "jiangyan"), ("泰州市姜堰区", "jiangyan"), (" 柳州市 ", "liuzhou"), ("安康", "ankang"), ("临沂", "linyi")],
)
def test_jurisdiction_accepts_code_or_chinese_name(typed, code):
    assert resolve_jurisdiction(typed) == code


def test_unknown_jurisdiction_lists_the_five():
    with pytest.raises(UnknownJurisdiction) as err:
        resolve_jurisdiction("北京")
    message = str(err.value)
    assert "\n" not in message
    for name in ("安康市", "临沂市", "泰州市姜堰区", "开封市", "柳州市"):
        assert name in message


def test_draft_is_labelled_by_title_when_it_has_no_number():
    assert get_document("jiangyan").citation_label.startswith("《姜堰区")
    assert get_document("ankang").date_label == "2014年12月10日"
    assert get_document("jiangyan").date_label == "未注明日期"
