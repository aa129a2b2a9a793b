"""An uploaded policy document (text, .docx or PDF with a text layer) read into clean UTF-8 text.

The file is untrusted: nothing in it is executed or followed, its size is checked before it is
read, a .docx is checked for zip and XML bombs before python-docx opens it, and a PDF is read
with pypdf, page count capped, every pypdf failure turned into a DocumentReadError. Anything
that cannot become a document's text raises DocumentReadError with a stable `code`, a polite
Chinese line for office staff (`message_zh`) and a precise English line (str(exc)).

What kind a file is comes from its first bytes (PDF, ZIP, OLE, images, executables); the
filename's extension only names what was claimed when the bytes do not say.
"""

from __future__ import annotations

import codecs
import hashlib
import io
import re
import time
import unicodedata
import zipfile
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import docx
import pypdf

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
MIN_CJK_CHARS = 200  # a policy document is longer than this
MIN_CJK_PER_PDF_PAGE = 50  # on average; fewer means a scan (an image of text)
MAX_PDF_PAGES = 300
PDF_TIME_LIMIT_SECONDS = 30.0  # checked between pages
MAX_PDF_PAGE_CONTENT_BYTES = 4 * 1024 * 1024  # a dense page of text draws with a few hundred KB
MAX_DOCX_XML_BYTES = 50 * 1024 * 1024  # word/document.xml, uncompressed
MAX_DOCX_TOTAL_BYTES = 200 * 1024 * 1024  # all parts together, uncompressed
MAX_DOCX_MEMBERS = 5000
# a policy document is a few thousand to a few tens of thousands of characters (the five shipped
# ones 2,700 to 4,500); more is several documents, a whole gazette or a data table, and each
# upload is segmented and drafted in full
MAX_TEXT_CHARS = 400_000
MAX_TEXT_LINES = 20_000  # paragraphs (lines of the cleaned text)

ERROR_CODES = frozenset({
    "too_large", "empty", "binary", "no_text_layer", "encrypted_pdf", "bad_pdf", "bad_docx",
    "unsupported", "encoding", "too_short", "too_long",
})

_MB = 1024 * 1024


class DocumentReadError(ValueError):
    """A file that cannot become a document's text. `code` is stable (for tests and the API),
    `message_zh` is the polite Chinese line shown to office staff, str(exc) is one precise English
    line for the CLI."""

    def __init__(self, code: str, message_zh: str, message_en: str) -> None:
        if code not in ERROR_CODES:
            raise AssertionError(f"unknown DocumentReadError code {code!r}")
        super().__init__(message_en)
        self.code = code
        self.message_zh = message_zh


@dataclass(frozen=True)
class ReadDocument:
    text: str  # paragraphs separated by "\n", no blank lines, no leading or trailing spaces on a line
    kind: str  # "text" | "docx" | "pdf"
    encoding: str | None  # text files: "utf-8", "gb18030" or "utf-16"; None for docx and pdf
    sha256: str  # of the original bytes
    warnings: tuple[str, ...]  # Chinese lines for the reviewer


def read_document_file(path: Path) -> ReadDocument:
    """Read a file from disk; its size is checked with stat() before any of it is read.
    OSError (missing file, no permission) is left to the caller."""
    size = path.stat().st_size
    if size > MAX_UPLOAD_BYTES:
        raise _too_large(size)
    with path.open("rb") as f:
        data = f.read(MAX_UPLOAD_BYTES + 1)  # a file that grew after stat() is still bounded
    return read_document(data, path.name)


def read_document(data: bytes, filename: str) -> ReadDocument:
    """Read an uploaded file's bytes (filename only for its extension) into a document's text."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise _too_large(len(data))
    if not data.strip():
        raise DocumentReadError(
            "empty", "文件是空的，没有任何文字。请检查是否选错了文件。", f"{filename}: the file is empty"
        )
    digest = hashlib.sha256(data).hexdigest()
    kind = _sniff(data, filename)
    warnings: list[str] = []
    encoding: str | None = None
    if kind == "pdf":
        text = _read_pdf(data, filename, warnings)
    elif kind == "docx":
        text = _read_docx(data, filename, warnings)
    else:
        text, encoding = _decode_text(data, filename, warnings)
    text = _clean(text, warnings)
    if not text:
        raise DocumentReadError(
            "empty",
            "文件里没有读到任何文字。请检查是否选错了文件。",
            f"{filename}: no text in the file (only whitespace)",
        )
    _check_length(text, filename)
    cjk = count_cjk(text)
    if cjk < MIN_CJK_CHARS:
        raise DocumentReadError(
            "too_short",
            f"文件里只有 {cjk} 个汉字，不像一份完整的政策文件（一般至少有几千字）。"
            "请上传文件全文，而不是标题、摘要或其中一段。",
            f"{filename}: only {cjk} Chinese characters; a policy document has at least {MIN_CJK_CHARS}",
        )
    return ReadDocument(text=text, kind=kind, encoding=encoding, sha256=digest, warnings=tuple(warnings))


def _check_length(text: str, filename: str) -> None:
    """Refuse a text longer than any policy document: too many characters or too many lines."""
    lines = text.count("\n") + 1
    if len(text) <= MAX_TEXT_CHARS and lines <= MAX_TEXT_LINES:
        return
    raise DocumentReadError(
        "too_long",
        f"文件里读出的文字太多（{len(text):,} 个字、{lines:,} 段），不像一份政策文件："
        f"一份政策文件一般只有几千到几万字，上限是 {MAX_TEXT_CHARS // 10_000} 万字、{MAX_TEXT_LINES:,} 段。"
        "可能是把几份文件、附件或数据表格合在了一起。请只上传这份文件的正文；"
        "如果确实是几份文件，请拆开分别录入。",
        f"{filename}: {len(text)} characters in {lines} lines; the limit is {MAX_TEXT_CHARS} characters"
        f" and {MAX_TEXT_LINES} lines",
    )


def count_cjk(text: str) -> int:
    """Chinese characters (CJK unified ideographs, extension A and beyond, compatibility)."""
    return sum(1 for ch in text if _is_cjk(ch))


def _is_cjk(ch: str) -> bool:
    o = ord(ch)
    return 0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF or 0xF900 <= o <= 0xFAFF or 0x20000 <= o <= 0x3134F


def _too_large(size: int) -> DocumentReadError:
    return DocumentReadError(
        "too_large",
        f"文件太大（{size / _MB:.1f} MB），上限是 {MAX_UPLOAD_BYTES // _MB} MB。一份政策文件通常只有几百 KB 到几 MB；"
        "请只上传文件正文，去掉图片、附件或扫描页后再试。",
        f"file is {size} bytes; the limit is {MAX_UPLOAD_BYTES} bytes ({MAX_UPLOAD_BYTES // _MB} MB)",
    )


# --- what kind of file ------------------------------------------------------------------------------------

_SAVE_AS = "请在 WPS 或 Word 里打开，另存为 .docx 或 PDF 后再上传；也可以把正文复制到 .txt 文件里上传。"
_IMAGES = (
    (b"\x89PNG\r\n\x1a\n", "PNG"), (b"\xff\xd8\xff", "JPEG"), (b"GIF87a", "GIF"), (b"GIF89a", "GIF"),
    (b"II*\x00", "TIFF"), (b"MM\x00*", "TIFF"),
)
_ARCHIVES = ((b"Rar!\x1a\x07", "RAR"), (b"7z\xbc\xaf\x27\x1c", "7z"), (b"\x1f\x8b", "gzip"))
_EXECUTABLES = (b"MZ", b"\x7fELF", b"\xcf\xfa\xed\xfe", b"\xce\xfa\xed\xfe", b"\xca\xfe\xba\xbe")
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _extension(filename: str) -> str:
    return Path(filename).suffix.lower()


def _sniff(data: bytes, filename: str) -> str:
    """"pdf", "docx" or "text"; raises for anything else."""
    ext = _extension(filename)
    if b"%PDF-" in data[:1024]:  # the header may follow up to 1 KB of junk
        return "pdf"
    if data.startswith(b"PK\x03\x04") or data.startswith(b"PK\x05\x06"):
        return _sniff_zip(data, filename, ext)
    if data.startswith(_OLE):
        if "EncryptedPackage".encode("utf-16-le") in data:
            raise DocumentReadError(
                "bad_docx",
                "这个 Word 文件设置了打开密码，无法读取。"
                "请在 WPS 或 Word 里取消密码（文件→信息→保护文档），另存为 .docx 后再上传。",
                f"{filename}: a password-protected Office file (encrypted package)",
            )
        raise DocumentReadError(
            "unsupported",
            "这是旧版 Word/WPS 文件（.doc 或 .wps），无法直接读取。" + _SAVE_AS,
            f"{filename}: an old binary Office file (OLE, e.g. .doc); save it as .docx or PDF",
        )
    for magic, name in _IMAGES:
        if data.startswith(magic):
            raise _image(filename, name)
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        raise _image(filename, "WebP")
    if data[4:8] == b"ftyp":
        raise _image(filename, "HEIC/MP4")
    for magic, name in _ARCHIVES:
        if data.startswith(magic):
            raise DocumentReadError(
                "unsupported",
                f"这是压缩包（{name}），不是文档。请解压后上传其中的政策文件（.docx、PDF 或 .txt）。",
                f"{filename}: a {name} archive, not a document",
            )
    if data.startswith(_EXECUTABLES):
        raise _binary(filename, "an executable program")
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(b"{\\rtf"):
        raise DocumentReadError(
            "unsupported", "这是 RTF 格式的文件。" + _SAVE_AS, f"{filename}: an RTF file; save it as .docx or PDF"
        )
    if ext in (".htm", ".html", ".mht", ".mhtml") or head.startswith((b"<!doctype html", b"<html", b"mime-version:")):
        raise DocumentReadError(
            "unsupported",
            "这是网页文件，里面有很多网页代码。请在浏览器里打开政策原文，把正文复制到 .txt 文件里上传，"
            "或上传网站提供的 PDF/Word 附件。",
            f"{filename}: a web page (HTML); upload the document's text, .docx or PDF instead",
        )
    if ext == ".pdf":
        raise DocumentReadError(
            "bad_pdf",
            "文件名是 .pdf，但内容不是 PDF，文件可能已损坏。请重新下载或重新导出 PDF 后再上传。",
            f"{filename}: named .pdf but has no PDF header",
        )
    if ext in (".docx", ".docm", ".dotx"):
        raise DocumentReadError(
            "bad_docx",
            "文件名是 .docx，但内容不是 Word 文档，文件可能已损坏。请在 WPS 或 Word 里重新另存为 .docx 后再上传。",
            f"{filename}: named {ext} but is not a ZIP package",
        )
    return "text"


def _sniff_zip(data: bytes, filename: str, ext: str) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            names = set(z.namelist())
    except (zipfile.BadZipFile, ValueError, OSError, EOFError) as e:
        if ext == ".docx":
            raise _bad_docx(filename, f"not a readable ZIP package ({e})") from e
        raise DocumentReadError(
            "unsupported", "这是一个损坏的压缩文件，不是文档。", f"{filename}: a damaged ZIP archive ({e})"
        ) from e
    if "word/document.xml" in names:
        return "docx"
    upload_the_document = "请上传政策文件本身（.docx、PDF 或 .txt）。"
    if "OFD.xml" in names:
        what = "这是 OFD 版式文件。请用 OFD 阅读器或 WPS 打开，导出为 PDF 后再上传。"
        en = "an OFD file; export it as PDF"
    elif any(n.startswith("xl/") for n in names):
        what, en = "这是 Excel 表格，不是政策文件正文。" + upload_the_document, "an Excel workbook"
    elif any(n.startswith("ppt/") for n in names):
        what, en = "这是 PowerPoint 演示文稿，不是政策文件正文。" + upload_the_document, "a PowerPoint file"
    elif "mimetype" in names:
        what, en = "这是 OpenDocument 文件（.odt 等）。" + _SAVE_AS, "an OpenDocument file; save it as .docx or PDF"
    elif ext == ".docx":
        raise _bad_docx(filename, "a ZIP package without word/document.xml")
    else:
        what, en = "这是压缩包（ZIP），不是文档。请解压后" + upload_the_document, "a ZIP archive, not a document"
    raise DocumentReadError("unsupported", what, f"{filename}: {en}")


def _image(filename: str, name: str) -> DocumentReadError:
    return DocumentReadError(
        "unsupported",
        f"这是一张图片（{name}），无法从中读取文字。请上传带文字的文件：可以从政府网站复制政策原文保存为 .txt，"
        "或上传 .docx、可复制文字的 PDF。",
        f"{filename}: a {name} image, not a document with text",
    )


def _binary(filename: str, what: str) -> DocumentReadError:
    return DocumentReadError(
        "binary",
        "这个文件不是文档（读到的是二进制数据，不是文字）。请上传政策文件本身：.txt、.docx 或可复制文字的 PDF。",
        f"{filename}: {what}, not text",
    )


def _bad_docx(filename: str, why: str) -> DocumentReadError:
    return DocumentReadError(
        "bad_docx",
        "这个 Word 文件无法打开，可能已损坏或设置了密码。请在 WPS 或 Word 里打开它，"
        "取消密码后另存为 .docx（或导出 PDF）再上传。",
        f"{filename}: cannot read the .docx: {why}",
    )


# --- text files -------------------------------------------------------------------------------------------

_CONTROL_BYTES = frozenset(range(0x20)) - {0x09, 0x0A, 0x0C, 0x0D, 0x1A}


def _decode_text(data: bytes, filename: str, warnings: list[str]) -> tuple[str, str]:
    """UTF-8 (BOM or not), UTF-16 with a BOM, then GB18030 (a superset of GBK and GB2312): the first
    that decodes strictly."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) and not data.startswith(codecs.BOM_UTF32_LE):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as e:
            raise _encoding_error(filename, f"has a UTF-16 byte order mark but is not UTF-16 ({e.reason})") from e
    control = sum(1 for b in data if b in _CONTROL_BYTES) + data.count(0x7F)
    if control > max(8, len(data) // 200):
        nul_even, nul_odd = data[0::2].count(0), data[1::2].count(0)  # UTF-16 puts NULs on one side only
        codec = "utf-16-le" if nul_odd > nul_even else "utf-16-be"
        if min(nul_even, nul_odd) * 3 < max(nul_even, nul_odd) and _reads_as_text(data, codec):
            raise _encoding_error(filename, "looks like UTF-16 without a byte order mark")
        raise _binary(filename, f"binary data ({control} control or NUL bytes in {len(data)})")
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError as e:
        raise _encoding_error(filename, "not UTF-8, UTF-16 (with BOM) nor GB18030/GBK") from e
    private = sum(1 for ch in text if 0xE000 <= ord(ch) <= 0xF8FF)
    if private > max(4, len(text) // 200):  # bytes that happen to be valid GB18030, but not a Chinese text
        raise _encoding_error(filename, f"decodes as GB18030 only into {private} private-use characters")
    warnings.append("文件是 GBK/GB18030 编码，已转换为 UTF-8。")
    return text, "gb18030"


def _reads_as_text(data: bytes, codec: str) -> bool:
    """Decodes strictly, and into printable characters (random bytes give unassigned and private ones)."""
    try:
        text = data.decode(codec)
    except UnicodeDecodeError:
        return False
    printable = sum(1 for ch in text if ch.isprintable() or ch in "\r\n\t")
    return printable >= 0.98 * len(text)


def _encoding_error(filename: str, why: str) -> DocumentReadError:
    return DocumentReadError(
        "encoding",
        "无法识别这个文本文件的编码（支持 UTF-8、GBK/GB18030、带 BOM 的 UTF-16）。"
        "请用记事本或 WPS 打开，另存为“UTF-8”编码的 .txt 文件后再上传。",
        f"{filename}: {why}",
    )


# --- cleaning, common to every kind -----------------------------------------------------------------------

_KANGXI = re.compile("[\u2f00-\u2fdf]")  # Kangxi radicals some PDFs yield in place of ideographs (⼈ for 人)
_DROP = re.compile(  # control characters, zero-width and direction marks, byte order marks
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u2064\ufeff\ufffe]"
)
_NEWLINES = re.compile(r"\r\n?|[\x0b\x0c\x85\u2028\u2029]")


def _clean(text: str, warnings: list[str]) -> str:
    text = _NEWLINES.sub("\n", text)
    kangxi = len(_KANGXI.findall(text))
    if kangxi:
        text = _KANGXI.sub(lambda m: unicodedata.normalize("NFKC", m.group()), text)
        warnings.append(f"有 {kangxi} 个康熙部首字符（如“⼈”）已换成常用汉字，请核对。")
    text = _DROP.sub("", text).replace("\u00a0", " ")
    lines = (line.strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


# --- .docx ------------------------------------------------------------------------------------------------

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_SKIP_IN_PARAGRAPH = frozenset({
    f"{_W}pPr", f"{_W}rPr", f"{_W}del", f"{_W}moveFrom", f"{_W}txbxContent", f"{_W}instrText", f"{_W}delText",
    "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback",
})
_CELL_SEP = "\u3000"


def _read_docx(data: bytes, filename: str, warnings: list[str]) -> str:
    _check_docx_package(data, filename)
    try:
        document = docx.Document(io.BytesIO(data))
        body = document.element.body
        lines = list(_docx_block_lines(body))
        numbered = sum(1 for p in body.iter(f"{_W}p") if p.find(f"{_W}pPr/{_W}numPr") is not None)
    except DocumentReadError:
        raise
    except Exception as e:  # python-docx and lxml on a damaged package: any of many exceptions
        raise _bad_docx(filename, f"{type(e).__name__}: {e}") from e
    if numbered:
        warnings.append(
            f"文档中有 {numbered} 段使用了 Word 自动编号，编号（如“一、”“（一）”）没有读出来，请核对条款序号。"
        )
    return "\n".join(lines)


def _check_docx_package(data: bytes, filename: str) -> None:
    """Zip bomb and XML bomb checks, from the central directory and the first bytes of each XML part,
    before python-docx decompresses anything whole."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            infos = z.infolist()
            if len(infos) > MAX_DOCX_MEMBERS:
                raise _bad_docx(filename, f"{len(infos)} parts in the package (limit {MAX_DOCX_MEMBERS})")
            if any(info.flag_bits & 0x1 for info in infos):
                raise _bad_docx(filename, "the ZIP package is encrypted")
            main = z.getinfo("word/document.xml")
            if main.file_size > MAX_DOCX_XML_BYTES:
                raise _bad_docx(
                    filename, f"word/document.xml unpacks to {main.file_size} bytes (limit {MAX_DOCX_XML_BYTES})"
                )
            total = sum(info.file_size for info in infos)
            if total > MAX_DOCX_TOTAL_BYTES:
                raise _bad_docx(filename, f"the package unpacks to {total} bytes (limit {MAX_DOCX_TOTAL_BYTES})")
            for info in infos:
                if info.filename.endswith((".xml", ".rels")):
                    with z.open(info) as part:
                        head = part.read(4096)
                    if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                        raise _bad_docx(filename, f"{info.filename} declares a DTD or entities")
    except DocumentReadError:
        raise
    except Exception as e:  # BadZipFile, KeyError (no such part), zlib.error, NotImplementedError (compression)...
        raise _bad_docx(filename, f"{type(e).__name__}: {e}") from e


def _docx_block_lines(container: Any) -> Iterator[str]:
    """The lines of a body, a cell or a content control, in document order: a paragraph per line,
    a table row per line."""
    for child in container:
        tag = child.tag
        if tag == f"{_W}p":
            yield _docx_paragraph_text(child)
        elif tag == f"{_W}tbl":
            yield from _docx_table_lines(child)
        elif tag == f"{_W}sdt":
            content = child.find(f"{_W}sdtContent")
            if content is not None:
                yield from _docx_block_lines(content)
        elif tag in (f"{_W}customXml", f"{_W}ins"):
            yield from _docx_block_lines(child)


def _docx_paragraph_text(p: Any) -> str:
    """The visible text of a paragraph: runs, hyperlinks, inserted (tracked) text, fields' results;
    not deleted text, field codes or text boxes anchored in it."""
    parts: list[str] = []

    def walk(element: Any) -> None:
        for child in element:
            tag = child.tag
            if not isinstance(tag, str) or tag in _SKIP_IN_PARAGRAPH:
                continue
            if tag == f"{_W}t":
                parts.append(child.text or "")
            elif tag in (f"{_W}tab", f"{_W}ptab"):
                parts.append("\t")
            elif tag in (f"{_W}br", f"{_W}cr"):
                parts.append("\n")
            elif tag == f"{_W}noBreakHyphen":
                parts.append("-")
            else:
                walk(child)

    walk(p)
    return "".join(parts)


def _docx_table_lines(tbl: Any) -> Iterator[str]:
    """Each row as one line, its cells joined by an ideographic space. A cell merged down over
    several rows is repeated on each, so every row of an amounts table reads on its own."""
    above: dict[int, str] = {}  # grid column -> text of the cell that starts a vertical merge there
    for tr in tbl.iterfind(f"{_W}tr"):
        column = 0
        before = tr.find(f"{_W}trPr/{_W}gridBefore")
        if before is not None:
            column = _int_attr(before, 0)
        cells: list[str] = []
        for tc in tr.iterfind(f"{_W}tc"):
            span_el = tc.find(f"{_W}tcPr/{_W}gridSpan")
            span = max(1, _int_attr(span_el, 1)) if span_el is not None else 1
            merge = tc.find(f"{_W}tcPr/{_W}vMerge")
            if merge is not None and merge.get(f"{_W}val") != "restart":
                text = above.get(column, "")
            else:
                text = " ".join(line.strip() for line in _docx_block_lines(tc) if line.strip())
                if merge is not None:
                    above[column] = text
                else:
                    above.pop(column, None)
            if text:
                cells.append(text)
            column += span
        if cells:
            yield _CELL_SEP.join(cells)


def _int_attr(element: Any, default: int) -> int:
    try:
        return int(element.get(f"{_W}val", default))
    except (TypeError, ValueError):
        return default


# --- PDF --------------------------------------------------------------------------------------------------


def _bad_pdf(filename: str, why: str) -> DocumentReadError:
    return DocumentReadError(
        "bad_pdf",
        "这个 PDF 文件无法读取，可能已损坏或格式特殊。请重新下载或重新导出 PDF；"
        "也可以把政策正文从政府网站复制出来，保存为 .txt 文件上传。",
        f"{filename}: cannot read the PDF: {why}",
    )


def _read_pdf(data: bytes, filename: str, warnings: list[str]) -> str:
    started = time.monotonic()
    try:
        reader = pypdf.PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            result = reader.decrypt("")
            if result == pypdf.PasswordType.NOT_DECRYPTED:
                raise DocumentReadError(
                    "encrypted_pdf",
                    "这个 PDF 设置了打开密码，无法读取。请向发文单位索取无密码的文件，"
                    "或输入密码打开后另存（打印）为不加密的 PDF 再上传。",
                    f"{filename}: the PDF is encrypted and does not open without a password",
                )
        count = len(reader.pages)
        if count == 0:
            raise _bad_pdf(filename, "no pages")
        if count > MAX_PDF_PAGES:
            raise DocumentReadError(
                "too_large",
                f"这个 PDF 有 {count} 页，超过 {MAX_PDF_PAGES} 页的上限，不像一份政策文件。"
                "请只上传这份政策文件本身（可以用 PDF 工具拆出需要的页）。",
                f"{filename}: {count} pages; the limit is {MAX_PDF_PAGES}",
            )
        pages: list[str] = []
        for number, page in enumerate(reader.pages, start=1):
            size = _page_content_bytes(page)
            if size > MAX_PDF_PAGE_CONTENT_BYTES:  # drawing operators that would take minutes to run
                raise _bad_pdf(filename, f"page {number} has {size} bytes of drawing operators")
            pages.append(page.extract_text() or "")
            if time.monotonic() - started > PDF_TIME_LIMIT_SECONDS:
                why = f"reading took over {PDF_TIME_LIMIT_SECONDS:.0f} s (at page {number} of {count})"
                raise _bad_pdf(filename, why)
    except DocumentReadError:
        raise
    except Exception as e:  # a hostile or damaged PDF: pypdf raises many kinds (PdfReadError, KeyError, ...)
        raise _bad_pdf(filename, f"{type(e).__name__}: {e}") from e
    cjk = sum(count_cjk(page) for page in pages)
    if cjk < MIN_CJK_PER_PDF_PAGE * len(pages) and sum(len("".join(p.split())) for p in pages) < 100 * len(pages):
        raise DocumentReadError(
            "no_text_layer",
            f"这个 PDF 是扫描件（{len(pages)} 页共读到 {cjk} 个汉字，只有图片没有文字层），无法读出文字。"
            "请提供文字版：例如从政府网站复制政策原文保存为 .txt，或上传 Word 版、经过文字识别（OCR）的 PDF。",
            f"{filename}: no text layer ({cjk} Chinese characters on {len(pages)} pages): a scan",
        )
    joined = _join_pages(pages)
    if joined.removed:
        warnings.append(f"已删除 {joined.removed} 行页码、页眉或页脚，请核对。")
    if joined.across_pages:
        warnings.append(f"有 {joined.across_pages} 处句子被分页断开，已接成一段，请核对。")
    if joined.hyphens:
        warnings.append(f"有 {joined.hyphens} 处行末连字符断开的英文单词已接上。")
    return joined.text


def _page_content_bytes(page: pypdf.PageObject) -> int:
    """Decoded size of a page's drawing operators and of the forms it draws (one level down)."""
    contents = page.get_contents()
    size = len(contents.get_data()) if contents is not None else 0
    resources = page.get("/Resources")
    xobjects = resources.get_object().get("/XObject") if resources is not None else None
    if xobjects is not None:
        for ref in xobjects.get_object().values():
            xobject = ref.get_object()
            if isinstance(xobject, pypdf.generic.StreamObject) and xobject.get("/Subtype") == "/Form":
                size += len(xobject.get_data())
    return size


# --- PDF lines into paragraphs ----------------------------------------------------------------------------

_CN_NUM = "一二三四五六七八九十百零〇"
_HEADING = re.compile(
    rf"^(?:[{_CN_NUM}]+[、．.]"
    rf"|[（(][{_CN_NUM}]+[）)]"
    r"|\d{1,3}(?:[、．]|\.(?!\d))"
    r"|[（(]\d{1,3}[）)]"
    rf"|第[{_CN_NUM}\d]+[条章节款]"
    r"|[①-⑳]"
    r"|附件)"
)
_PAGE_NUMBER = re.compile(
    r"^(?:[-—–－―一_~～\s]*\d{1,4}[-—–－―一_~～\s]*"  # - 3 -, — 3 —, 3
    r"|第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?"  # 第 3 页, 第3页 共10页
    r"|\d{1,4}\s*/\s*\d{1,4}"  # 3/10
    r"|(?:page|p\.)\s*\d{1,4}(?:\s*of\s*\d{1,4})?)$",  # Page 3 of 10
    re.IGNORECASE,
)
_DASHED_NUMBER = re.compile(r"^[-—–－―~～]\s*\d{1,4}\s*[-—–－―~～]$")  # unmistakable anywhere on a page
_ENDS_PARAGRAPH = "。；：！？!?;:"
_CLOSERS = "”’」』）)】》\"'"
_WIDE = r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]"  # ideographs, CJK and full-width punctuation
_CJK_SPACE = re.compile(rf"(?<={_WIDE}) +(?={_WIDE})")  # PDFs often space out Chinese characters


@dataclass(frozen=True)
class _Joined:
    text: str
    removed: int
    across_pages: int
    hyphens: int


def join_pdf_lines(pages: Sequence[str]) -> str:
    """Text extracted from a PDF, one string per page, into paragraphs one per line.

    Dropped: page numbers ("- 3 -" anywhere; "3", "第 3 页", "3/10" as a page's first or last line) and
    header or footer lines repeated at the top or bottom of most pages (3 pages at least). Spaces
    between Chinese characters are removed. A line is joined to the next unless
    - it is clearly shorter than a full line (a heading, a title, a date, a paragraph's last line),
    - the next starts a heading (一、 （一） 1. （1） 第三条 ① 附件), or
    - it ends with 。；：！？ outside brackets and the next is not a bracketed note ("（责任单位：…）").
    """
    return _join_pages(pages).text


def _width(line: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)


def _header_key(line: str) -> str:
    return re.sub(r"\d+", "#", "".join(line.split()))


def _join_pages(pages: Sequence[str]) -> _Joined:
    page_lines: list[list[str]] = []
    for page in pages:
        stripped = (_CJK_SPACE.sub("", line.strip()) for line in _NEWLINES.sub("\n", page).split("\n"))
        page_lines.append([line for line in stripped if line])
    removed = 0

    # lines repeated at the top or bottom of most pages: running headers and footers
    edge = 2
    repeated: set[str] = set()
    if len(page_lines) >= 3:
        seen: Counter[str] = Counter()
        for lines in page_lines:
            seen.update({_header_key(line) for line in lines[:edge] + lines[-edge:]})
        need = max(3, (len(page_lines) * 3 + 4) // 5)  # on at least 60% of pages, and 3
        repeated = {key for key, n in seen.items() if n >= need}

    kept: list[list[str]] = []
    for lines in page_lines:
        out: list[str] = []
        last = len(lines) - 1
        for i, line in enumerate(lines):
            at_edge = i < edge or i > last - edge
            is_page_number = _DASHED_NUMBER.match(line) or ((i == 0 or i == last) and _PAGE_NUMBER.match(line))
            if is_page_number or (at_edge and _header_key(line) in repeated):
                removed += 1
                continue
            out.append(line)
        kept.append(out)

    widths = sorted(_width(line) for lines in kept for line in lines)
    if not widths:
        return _Joined("", removed, 0, 0)
    full = widths[-1] if len(widths) < 10 else widths[(len(widths) * 9) // 10]
    short = full * 0.85

    paragraphs: list[str] = []
    # the paragraph being built, as pieces joined once (appending to one string copied it for
    # every line); its last characters and its bracket depth kept as they change
    current: list[str] = []
    tail = ""
    depth = 0
    current_short = True
    across = hyphens = 0
    for page_index, lines in enumerate(kept):
        for i, line in enumerate(lines):
            if current and not _breaks(tail, depth, current_short, line):
                if i == 0 and page_index > 0:
                    across += 1
                if re.search(r"[A-Za-z]-$", tail) and line[:1].islower():
                    current[-1] = current[-1][:-1]
                    tail = tail[:-1]
                    hyphens += 1
                elif re.search(r"[A-Za-z0-9,]$", tail) and re.match(r"[A-Za-z0-9]", line):
                    current.append(" ")
                    tail += " "
                current.append(line)
                tail = (tail + line)[-_TAIL:]
            else:
                if current:
                    paragraphs.append("".join(current))
                current, tail, depth = [line], line[-_TAIL:], 0
            depth += _opened(line)
            current_short = _width(line) < short
    if current:
        paragraphs.append("".join(current))
    return _Joined("\n".join(paragraphs), removed, across, hyphens)


_TAIL = 64  # characters kept of a paragraph's end: enough to see how it ends past closing quotes


def _opened(line: str) -> int:
    """Brackets a line opens minus those it closes."""
    return line.count("（") + line.count("(") - line.count("）") - line.count(")")


def _breaks(tail: str, depth: int, last_line_short: bool, next_line: str) -> bool:
    """Does the paragraph end between a line (its end is `tail`; `depth` brackets are open in
    it) and the next?"""
    if last_line_short or _HEADING.match(next_line):
        return True
    if depth > 0:
        return False  # inside brackets, as in "（责任单位：" / "市民政局）"
    if next_line.startswith(("（", "(")):
        return False  # a bracketed note after a sentence, as in "…服务。" / "（责任单位：市残联）"
    return tail.rstrip(_CLOSERS)[-1:] in _ENDS_PARAGRAPH
