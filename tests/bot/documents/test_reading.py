"""Reading an uploaded policy document into clean text: what office staff see for each kind of file.

The real Kaifeng document (knowledge/sources/kaifeng.txt) is read as UTF-8, with a BOM, in GBK, in
UTF-16 and with Windows line ends, and must come out as the same text each time. A .docx is built
here with python-docx (with an amounts table); PDFs are written here byte by byte (a CJK font by
name, text as UTF-16, no font file needed), then encrypted with pypdf for the password cases.
"""

from __future__ import annotations

import hashlib
import io
import time
import unicodedata
import zipfile
import zlib
from pathlib import Path

import docx
import pytest
from docx.shared import Pt
from hypothesis import given, settings
from hypothesis import strategies as st
from pypdf import PdfReader, PdfWriter

from bot.documents.reading import (
    ERROR_CODES,
    MAX_UPLOAD_BYTES,
    DocumentReadError,
    ReadDocument,
    join_pdf_lines,
    read_document,
    read_document_file,
)

ROOT = Path(__file__).resolve().parents[3]
KAIFENG = (ROOT / "knowledge" / "sources" / "kaifeng.txt").read_text(encoding="utf-8")
# what the reader gives for it: every paragraph on its own line, blank lines gone
KAIFENG_TEXT = "\n".join(line.strip() for line in KAIFENG.splitlines() if line.strip())
KAIFENG_PARAGRAPHS = KAIFENG_TEXT.split("\n")


def refused(data: bytes, filename: str) -> DocumentReadError:
    with pytest.raises(DocumentReadError) as info:
        read_document(data, filename)
    return info.value


# --- text files ---------------------------------------------------------------------------------------


def test_utf8_text_is_read_as_paragraphs() -> None:
    data = KAIFENG.encode("utf-8")
    doc = read_document(data, "开封市实施意见.txt")
    assert doc == ReadDocument(
        text=KAIFENG_TEXT, kind="text", encoding="utf-8", sha256=hashlib.sha256(data).hexdigest(), warnings=()
    )
    assert doc.text.startswith("开封市人民政府办公室文件\n汴政办〔2023〕24号\n")
    assert "每人每月" in doc.text and "\n\n" not in doc.text


def test_utf8_with_bom_and_windows_line_ends() -> None:
    data = b"\xef\xbb\xbf" + KAIFENG.replace("\n", "\r\n").encode("utf-8")
    doc = read_document(data, "kaifeng.txt")
    assert doc.text == KAIFENG_TEXT and doc.encoding == "utf-8"
    assert "\ufeff" not in doc.text and "\r" not in doc.text
    assert doc.sha256 == hashlib.sha256(data).hexdigest()  # of the bytes as uploaded, not of the text


def test_gbk_file_reads_as_the_same_text_as_its_utf8_twin() -> None:
    utf8 = read_document(KAIFENG.encode("utf-8"), "kaifeng.txt")
    gbk = read_document(KAIFENG.encode("gbk"), "kaifeng.txt")
    assert gbk.text == utf8.text
    assert gbk.encoding == "gb18030" and gbk.sha256 != utf8.sha256
    assert any("GBK" in w for w in gbk.warnings)
    # Windows Notepad's "ANSI" on a Chinese system, with CRLF: the same again
    assert read_document(KAIFENG.replace("\n", "\r\n").encode("gb18030"), "k.txt").text == utf8.text


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-be-bom"])
def test_utf16_with_bom(codec: str) -> None:
    data = (b"\xfe\xff" + KAIFENG.encode("utf-16-be")) if codec == "utf-16-be-bom" else KAIFENG.encode("utf-16")
    doc = read_document(data, "kaifeng.txt")
    assert doc.text == KAIFENG_TEXT and doc.encoding == "utf-16"


def test_utf16_without_bom_is_an_encoding_problem_not_a_binary() -> None:
    for codec in ("utf-16-le", "utf-16-be"):
        error = refused(KAIFENG.encode(codec), "kaifeng.txt")
        assert error.code == "encoding" and "UTF-8" in error.message_zh, codec


def test_control_characters_nul_and_trailing_spaces_are_removed() -> None:
    messy = KAIFENG.replace("一、指导思想", "　　一、指导思想\x00 \t ").replace("二、", "\u200b二、", 1) + "\x07\n\n\n"
    doc = read_document(messy.encode("utf-8"), "kaifeng.txt")
    assert doc.text == KAIFENG_TEXT


def test_text_in_no_known_encoding_is_refused_with_what_to_do() -> None:
    data = KAIFENG.encode("utf-8")[:3000] + b"\xff\x80\xff" + KAIFENG.encode("utf-8")[3000:6000]
    error = refused(data, "kaifeng.txt")
    assert error.code == "encoding"
    assert "UTF-8" in error.message_zh and "另存" in error.message_zh
    assert "kaifeng.txt" in str(error) and "GB18030" in str(error)


def test_empty_and_whitespace_only() -> None:
    assert refused(b"", "a.txt").code == "empty"
    assert refused(b" \r\n\t\n ", "a.txt").code == "empty"
    error = refused("\ufeff\u3000\u3000\n\u200b\n".encode(), "a.txt")
    assert error.code == "empty" and "没有" in error.message_zh


def test_a_title_alone_is_too_short_to_be_a_policy_document() -> None:
    error = refused("关于进一步做好计划生育特殊家庭扶助关怀工作的实施意见\n一、指导思想".encode(), "title.txt")
    assert error.code == "too_short"
    assert "全文" in error.message_zh and "200" in str(error)


# --- files that are not documents ---------------------------------------------------------------------


def test_old_binary_doc_is_refused_with_how_to_save_it() -> None:
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4096)
    error = refused(data, "实施意见.doc")
    assert error.code == "unsupported"
    assert ".docx" in error.message_zh and "WPS" in error.message_zh and "另存" in error.message_zh


def test_password_protected_docx_is_bad_docx_and_says_password() -> None:
    # Word saves a .docx with an opening password as an OLE container holding an EncryptedPackage stream
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512) + "EncryptedPackage".encode("utf-16-le") + bytes(512)
    error = refused(data, "实施意见.docx")
    assert error.code == "bad_docx" and "密码" in error.message_zh


@pytest.mark.parametrize(
    ("data", "filename", "code", "says"),
    [
        (b"\x89PNG\r\n\x1a\n" + bytes(100), "扫描件.png", "unsupported", "图片"),
        (b"\xff\xd8\xff\xe0" + bytes(100), "photo.jpg", "unsupported", "图片"),
        (b"MZ\x90\x00" + bytes(200), "setup.exe", "binary", "不是文档"),
        (b"\x7fELF" + bytes(200), "a.txt", "binary", "不是文档"),
        (bytes(range(256)) * 40, "data.bin", "binary", "不是文档"),
        (b"Rar!\x1a\x07\x00" + bytes(50), "files.rar", "unsupported", "解压"),
        ("{\\rtf1\\ansi 关于".encode(), "a.rtf", "unsupported", ".docx"),
        (b"<!DOCTYPE html><html><body>" + "政策".encode() * 200, "page.html", "unsupported", "复制"),
    ],
)
def test_other_binaries_are_refused(data: bytes, filename: str, code: str, says: str) -> None:
    error = refused(data, filename)
    assert (error.code, says in error.message_zh) == (code, True), error.message_zh
    assert filename in str(error)


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, content in members.items():
            z.writestr(name, content)
    return buf.getvalue()


def test_zip_that_is_not_a_word_file() -> None:
    error = refused(_zip({"a.txt": KAIFENG.encode()}), "材料.zip")
    assert error.code == "unsupported" and "解压" in error.message_zh
    assert refused(_zip({"xl/workbook.xml": b"<x/>"}), "标准.xlsx").message_zh.startswith("这是 Excel")
    assert refused(_zip({"a.txt": b"x"}), "broken.docx").code == "bad_docx"


def test_zip_bomb_docx_is_refused_before_it_is_unpacked() -> None:
    bomb = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b" " * (51 * 1024 * 1024)})
    assert len(bomb) < 200_000
    error = refused(bomb, "实施意见.docx")
    assert error.code == "bad_docx" and "word/document.xml" in str(error) and "unpacks to" in str(error)


def test_docx_declaring_entities_is_refused() -> None:
    data = _docx_bytes(_kaifeng_docx())
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        members = {name: z.read(name) for name in z.namelist()}
    xml = members["word/document.xml"]
    members["word/document.xml"] = xml.replace(
        b"?>", b'?><!DOCTYPE w:document [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>', 1
    )
    error = refused(_zip(members), "实施意见.docx")
    assert error.code == "bad_docx" and "entities" in str(error)


def test_damaged_docx() -> None:
    data = _docx_bytes(_kaifeng_docx())
    assert refused(data[: len(data) // 2], "实施意见.docx").code == "bad_docx"
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        members = {name: z.read(name) for name in z.namelist()}
    members["word/document.xml"] = b"<w:document>not xml"
    error = refused(_zip(members), "实施意见.docx")
    assert error.code == "bad_docx" and "另存为 .docx" in error.message_zh


# --- .docx ----------------------------------------------------------------------------------------------

AMOUNT_ROWS = [
    ("独生子女死亡家庭", "城镇", "每人每月800元"),
    ("独生子女死亡家庭", "农村", "每人每月600元"),
    ("独生子女伤残家庭", "三级以上", "每人每月500元"),
]


def _kaifeng_docx() -> docx.document.Document:
    document = docx.Document()
    intro = KAIFENG_PARAGRAPHS[:12]
    for text in intro:
        document.add_paragraph(text)
    heading = document.add_paragraph()
    run = heading.add_run("（二）扶助标准")
    run.bold = True
    run.font.size = Pt(16)
    table = document.add_table(rows=1 + len(AMOUNT_ROWS), cols=3)
    for cell, text in zip(table.rows[0].cells, ("类别", "户籍或等级", "标准"), strict=True):
        cell.text = text
    for row, values in zip(table.rows[1:], AMOUNT_ROWS, strict=True):
        for cell, text in zip(row.cells, values, strict=True):
            cell.text = text
    table.cell(1, 0).merge(table.cell(2, 0))  # the category spans its two rows, as in real tables
    table.cell(1, 0).text = "独生子女死亡家庭"
    tail = document.add_paragraph("以上标准自2023年8月1日起执行，")
    tail.add_run("所需资金由市、县两级财政按规定分担。")
    document.add_paragraph("")
    document.add_paragraph("　　开封市人民政府办公室　　 ")
    return document


def _docx_bytes(document: docx.document.Document) -> bytes:
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def test_docx_paragraphs_and_amounts_table_in_order() -> None:
    data = _docx_bytes(_kaifeng_docx())
    doc = read_document(data, "开封市实施意见.docx")
    assert doc.kind == "docx" and doc.encoding is None and doc.warnings == ()
    assert doc.sha256 == hashlib.sha256(data).hexdigest()
    assert doc.text.split("\n") == [
        *KAIFENG_PARAGRAPHS[:12],
        "（二）扶助标准",
        "类别　户籍或等级　标准",
        "独生子女死亡家庭　城镇　每人每月800元",
        "独生子女死亡家庭　农村　每人每月600元",  # the merged cell is read on each of its rows
        "独生子女伤残家庭　三级以上　每人每月500元",
        "以上标准自2023年8月1日起执行，所需资金由市、县两级财政按规定分担。",
        "开封市人民政府办公室",
    ]


def test_docx_is_recognised_by_content_not_name() -> None:
    data = _docx_bytes(_kaifeng_docx())
    assert read_document(data, "upload.bin").kind == "docx"
    # and a text file named .docx by mistake is... not a Word file
    assert refused(KAIFENG.encode(), "实施意见.docx").code == "bad_docx"


# --- PDF ------------------------------------------------------------------------------------------------


def _pdf_string(text: str, cjk: bool) -> bytes:
    if cjk:
        return b"<" + text.encode("utf-16-be").hex().encode() + b">"
    escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    return b"(" + escaped.encode("latin-1") + b")"


def pdf_bytes(pages: list[list[str]], *, cjk: bool = True, image: bool = False, flate: bytes = b"") -> bytes:
    """A valid PDF, written by hand: each page's lines drawn top to bottom in STSong-Light (a standard
    Chinese font referenced by name, text as UTF-16BE) or Helvetica; `image` puts a picture on each
    page instead (a scan); `flate` is drawn instead, deflated."""
    fonts = [
        b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light /DW 1000"
        b" /CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 4 >> >>",
        b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UTF16-H /DescendantFonts [3 0 R] >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Type /XObject /Subtype /Image /Width 2 /Height 2 /ColorSpace /DeviceGray /BitsPerComponent 8"
        b" /Length 4 >>\nstream\n\x00\xff\xff\x00\nendstream",
    ]
    first_page = 3 + len(fonts)
    kids = " ".join(f"{first_page + 2 * i + 1} 0 R" for i in range(len(pages))).encode()
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % len(pages)]
    objects += fonts
    font = b"/F1 4 0 R" if cjk else b"/F1 5 0 R"
    for i, lines in enumerate(pages):
        if image:
            content = b"q 500 0 0 700 50 70 cm /Im1 Do Q"
        else:
            ops = [b"BT /F1 12 Tf 14 TL 50 800 Td"] + [_pdf_string(line, cjk) + b" Tj T*" for line in lines] + [b"ET"]
            content = b"\n".join(ops)
        compression = b""
        if flate:
            content, compression = zlib.compress(flate, 9), b" /Filter /FlateDecode"
        objects.append(b"<< /Length %d%s >>\nstream\n" % (len(content), compression) + content + b"\nendstream")
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents %d 0 R" % (first_page + 2 * i)
            + b" /Resources << /Font << " + font + b" >> /XObject << /Im1 6 0 R >> >> >>"
        )
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def typeset(paragraphs: list[str], *, line_width: int = 44, lines_per_page: int = 14, header: str = "") -> list[list[str]]:
    """Paragraphs broken into lines of a fixed width (as a PDF is laid out), the lines into pages, each
    page with a running header (if any) and a centred page number "- n -" at the foot."""
    lines: list[str] = []
    for paragraph in paragraphs:
        line = ""
        for ch in paragraph:
            if _width(line + ch) > line_width:
                lines.append(line)
                line = ""
            line += ch
        lines.append(line)
    pages = [lines[i : i + lines_per_page] for i in range(0, len(lines), lines_per_page)]
    return [([header] if header else []) + page + [f"- {n} -"] for n, page in enumerate(pages, start=1)]


def _body_paragraphs() -> list[str]:
    """Kaifeng's first forty paragraphs from its opening letter on (after the letterhead's spaced-out
    lines), as the document has them: the text file breaks six of them at the original's page breaks
    (e.g. "…引导其积极面对生" / "活，重新融入社会。"), mended here by hand."""
    start = KAIFENG_PARAGRAPHS.index("各县、区人民政府，市人民政府各部门及有关单位：")
    source = [p.replace(" ", "") for p in KAIFENG_PARAGRAPHS[start : start + 46]]
    broken_at_page_end = {9, 17, 21, 26, 29, 36}
    assert all(not source[i].endswith(("。", "）", "：")) for i in broken_at_page_end)
    paragraphs: list[str] = []
    for i, paragraph in enumerate(source):
        if i - 1 in broken_at_page_end:
            paragraphs[-1] += paragraph
        else:
            paragraphs.append(paragraph)
    assert any("引导其积极面对生活，重新融入社会。" in p for p in paragraphs)
    return paragraphs


def test_pdf_with_a_text_layer_comes_out_as_its_paragraphs() -> None:
    paragraphs = _body_paragraphs()
    pages = typeset(paragraphs, header="开封市人民政府办公室文件")
    assert len(pages) >= 5 and any(not page[-2].endswith("。") for page in pages[:-1])  # sentences run over pages
    data = pdf_bytes(pages)
    doc = read_document(data, "汴政办〔2023〕24号.pdf")
    assert doc.kind == "pdf" and doc.encoding is None and doc.sha256 == hashlib.sha256(data).hexdigest()
    assert doc.text.split("\n") == paragraphs
    assert "- 1 -" not in doc.text and "开封市人民政府办公室文件" not in doc.text
    assert any("页码" in w for w in doc.warnings) and any("分页" in w for w in doc.warnings)


def test_pdf_with_only_latin_text_is_not_called_a_scan() -> None:
    pages = [["Implementing Opinions on Special Family Assistance", "Article 1. The monthly allowance is 800 yuan."] * 4]
    error = refused(pdf_bytes(pages, cjk=False), "english.pdf")
    assert error.code == "too_short"


def test_scanned_pdf_has_no_text_layer() -> None:
    error = refused(pdf_bytes([[], [], []], image=True), "扫描件.pdf")
    assert error.code == "no_text_layer"
    assert "扫描件" in error.message_zh and ".txt" in error.message_zh and "OCR" in error.message_zh
    # a scan stamped with a scanning app's line on every page is still a scan
    stamped = pdf_bytes([["扫描全能王创建"], ["扫描全能王创建"]])
    assert refused(stamped, "扫描件.pdf").code == "no_text_layer"


def _encrypted(data: bytes, user_password: str, owner_password: str) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    writer.encrypt(user_password=user_password, owner_password=owner_password, algorithm="AES-128")
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def test_password_protected_pdf_is_refused() -> None:
    data = _encrypted(pdf_bytes(typeset(_body_paragraphs())), "123456", "owner")
    error = refused(data, "实施意见.pdf")
    assert error.code == "encrypted_pdf" and "密码" in error.message_zh


def test_pdf_restricted_only_by_an_owner_password_is_read() -> None:
    # government PDFs often forbid editing or copying but open without a password: those are read
    data = _encrypted(pdf_bytes(typeset(_body_paragraphs())), "", "owner-secret")
    assert read_document(data, "实施意见.pdf").text.split("\n") == _body_paragraphs()


def test_damaged_pdf_and_pdf_name_without_pdf() -> None:
    good = pdf_bytes(typeset(_body_paragraphs()))
    for data in (b"%PDF-1.7\n" + bytes(range(256)) * 8, good[: len(good) // 3]):
        error = refused(data, "实施意见.pdf")
        assert error.code in ("bad_pdf", "no_text_layer"), error.code
    error = refused(b"\x00\x01garbage" * 100, "实施意见.pdf")
    assert error.code == "bad_pdf" and "重新" in error.message_zh


def test_pdf_page_that_unpacks_into_millions_of_drawing_operators_is_refused_at_once() -> None:
    data = pdf_bytes([[]], flate=b"BT /F1 12 Tf <4e00> Tj ET\n" * 2_000_000)  # 52 MB of operators in 150 KB
    assert len(data) < 300_000
    started = time.monotonic()
    error = refused(data, "实施意见.pdf")
    assert error.code == "bad_pdf" and "drawing operators" in str(error)
    assert time.monotonic() - started < 5


def test_pdf_over_the_page_cap() -> None:
    error = refused(pdf_bytes([["第一页"]] * 301), "合订本.pdf")
    assert error.code == "too_large" and "300" in error.message_zh


# --- joining PDF lines: the pure function ---------------------------------------------------------------


def test_join_lines_within_a_paragraph_and_across_a_page_break() -> None:
    pages = [
        "一、扶助标准\n"
        "对独生子女死亡家庭的夫妻，从女方年满49周岁\n"
        "起，每人每月发放特别扶助金800元；对独生子\n"
        "女伤残家庭的夫妻，每人每月发放500元。\n"
        "（一）发放方式\n"
        "特别扶助金按季度发放，由县级财政直接拨付到\n"
        "- 3 -",
        "扶助对象个人账户，不得截留挪用。\n"
        "1.资金来源\n"
        "所需资金由市、县财政按比例分担\n"
        "第 4 页",
    ]
    assert join_pdf_lines(pages).split("\n") == [
        "一、扶助标准",
        "对独生子女死亡家庭的夫妻，从女方年满49周岁起，每人每月发放特别扶助金800元；对独生子女伤残家庭的夫妻，每人每月发放500元。",
        "（一）发放方式",
        "特别扶助金按季度发放，由县级财政直接拨付到扶助对象个人账户，不得截留挪用。",
        "1.资金来源",
        "所需资金由市、县财政按比例分担",
    ]


def test_join_keeps_a_line_that_is_only_an_amount_inside_a_page() -> None:
    pages = ["3\n特别扶助金标准（元/人/月）\n800\n独生子女死亡家庭的夫妻按上述标准发放扶助金。\n12"]
    assert join_pdf_lines(pages).split("\n") == [
        "特别扶助金标准（元/人/月）",
        "800",
        "独生子女死亡家庭的夫妻按上述标准发放扶助金。",
    ]


def test_join_drops_running_headers_and_footers_and_spaced_out_characters() -> None:
    body = [  # full lines are 30 characters wide, as on a real page
        "关 于 做 好 特 殊 家 庭 扶 助 关 怀 工 作 的 实 施 意 见\n"
        "根据有关文件精神，结合我市实际，就进一步做好我市计划生育特殊\n"
        "家庭扶助关怀工作，制定本实施意见。",
        "二、工作目标\n"
        "将计划生育特殊家庭帮扶工作纳入经济社会发展总体规划，建立健全\n"
        "长效帮扶机制，切实解决实际困难。",
        "三、帮扶措施\n"
        "提高经济扶助标准，参加社会养老保险，落实养老照料服务，并建立\n"
        "完善医疗保障服务。",
    ]
    pages = [f"开封市人民政府办公室\n{text}\n第{n}页 共3页" for n, text in enumerate(body, start=1)]
    assert join_pdf_lines(pages).split("\n") == [
        "关于做好特殊家庭扶助关怀工作的实施意见",
        "根据有关文件精神，结合我市实际，就进一步做好我市计划生育特殊家庭扶助关怀工作，制定本实施意见。",
        "二、工作目标",
        "将计划生育特殊家庭帮扶工作纳入经济社会发展总体规划，建立健全长效帮扶机制，切实解决实际困难。",
        "三、帮扶措施",
        "提高经济扶助标准，参加社会养老保险，落实养老照料服务，并建立完善医疗保障服务。",
    ]


def test_join_english_words_broken_by_a_hyphen() -> None:
    lines = "Family planning special families receive a monthly allow-\nance from the county finance bureau every quarter."
    assert join_pdf_lines([lines]) == (
        "Family planning special families receive a monthly allowance from the county finance bureau every quarter."
    )


# --- size -----------------------------------------------------------------------------------------------


def test_a_50_mb_file_is_refused_from_its_size_without_being_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "huge.pdf"
    with path.open("wb") as f:
        f.truncate(50 * 1024 * 1024)  # sparse: no 50 MB written or read

    def no_reading(*args: object, **kwargs: object) -> None:
        raise AssertionError("the file was opened")

    monkeypatch.setattr(Path, "open", no_reading)
    monkeypatch.setattr(Path, "read_bytes", no_reading)
    with pytest.raises(DocumentReadError) as info:
        read_document_file(path)
    assert info.value.code == "too_large"
    assert "20 MB" in info.value.message_zh and "52428800 bytes" in str(info.value)


def test_bytes_over_the_limit_are_refused_and_a_file_on_disk_is_read() -> None:
    assert refused(b" " * (MAX_UPLOAD_BYTES + 1), "big.txt").code == "too_large"
    path = ROOT / "knowledge" / "sources" / "kaifeng.txt"
    doc = read_document_file(path)
    assert doc.text == KAIFENG_TEXT and doc.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


# --- damaged files never escape as anything but DocumentReadError ----------------------------------------


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_damaged_pdf_or_docx_raises_only_document_read_error(data: st.DataObject) -> None:
    kind = data.draw(st.sampled_from(["pdf", "docx"]))
    original = _SAMPLE_PDF if kind == "pdf" else _SAMPLE_DOCX
    damaged = bytearray(original)
    for _ in range(data.draw(st.integers(1, 20))):
        damaged[data.draw(st.integers(0, len(damaged) - 1))] = data.draw(st.integers(0, 255))
    cut = data.draw(st.integers(len(damaged) // 2, len(damaged)))
    try:
        doc = read_document(bytes(damaged[:cut]), f"实施意见.{kind}")
    except DocumentReadError as error:
        assert error.code in ERROR_CODES and error.message_zh
    else:
        assert doc.kind == kind and doc.text


_SAMPLE_PDF = pdf_bytes(typeset(_body_paragraphs()[:12]))
_SAMPLE_DOCX = _docx_bytes(_kaifeng_docx())
