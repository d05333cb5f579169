"""Reading PDFs: the same text as the .txt the PDF was made from (one column,
two columns, LibreOffice), pages and offsets, and the PDFs that must be refused."""
from __future__ import annotations

import difflib
import random
import re
import unicodedata
from pathlib import Path

import opencc
import pypdfium2 as pdfium
import pytest

from zhibiao.documents import Document, read_document
from zhibiao.documents.mapped import Mapped
from zhibiao.documents.normalize import to_halfwidth
from zhibiao.errors import ReadError

T2S = opencc.OpenCC("t2s")
NAMES = ["000_7bf0e0e06157e1e4", "001_9f860a2bdebb59a8", "002_89c5c0b9005c3719",
         "003_6ba92f5af78f20b4", "004_7c0d1a2e14021ba3"]
LAYOUTS = ["pdf", "pdf-2col"]


def squash(text: str) -> str:
    """Text with whitespace and symbols dropped: PDFium gets no character for a
    glyph whose font maps it oddly (LibreOffice sets ℃ in a fallback font)."""
    return "".join(ch for ch in text if not ch.isspace() and unicodedata.category(ch) != "So")


def digit_sentences(text: str) -> list[str]:
    """Sentences (up to 。！？；) that hold a digit: where the facts are."""
    parts = re.split(r"(?<=[。！？；;])|\n", text)
    return [p for p in parts if re.search(r"\d", p) and len(squash(p)) >= 4]


def assert_same_content(txt: Document, pdf: Document) -> None:
    """Every sentence with a number in the text file's normalized text is in the
    PDF's, and the two agree as a whole, whitespace aside."""
    pdf_text = squash(pdf.text)
    sentences = digit_sentences(txt.text)
    assert len(sentences) >= 20
    missing = [s for s in sentences if squash(s) not in pdf_text]
    assert not missing, (pdf.name, missing[:3])
    ratio = difflib.SequenceMatcher(None, squash(txt.text), pdf_text, autojunk=False).quick_ratio()
    assert ratio > 0.995, (pdf.name, ratio)


@pytest.fixture(scope="module")
def texts(samples_dir: Path) -> dict[str, Document]:
    return {name: read_document(samples_dir / f"{name}.txt") for name in NAMES}


@pytest.fixture(scope="module")
def pdfs(samples_dir: Path) -> dict[tuple[str, str], Document]:
    return {(layout, name): read_document(samples_dir / layout / f"{name}.pdf")
            for layout in LAYOUTS for name in NAMES}


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("name", NAMES)
def test_pdf_reads_as_its_text_file(texts, pdfs, layout, name):
    assert_same_content(texts[name], pdfs[layout, name])


@pytest.mark.parametrize("layout", LAYOUTS)
def test_known_phrases_survive(pdfs, layout):
    assert "全区率先" in pdfs[layout, NAMES[0]].text
    assert "全盟新能源装机规模预计达到2150万千瓦" in pdfs[layout, NAMES[0]].text
    assert "1.37亿吨" in pdfs[layout, NAMES[1]].text
    assert "经过集中攻坚和持续整改" in pdfs[layout, NAMES[4]].text  # traditional → simplified


@pytest.mark.parametrize("layout", LAYOUTS)
def test_page_numbers_are_dropped(pdfs, layout):
    for name in NAMES:
        doc = pdfs[layout, name]
        for number in range(1, len(doc.pages)):
            assert f"— {number} —" in doc.raw
            assert f"—{number}—" not in doc.text and f"— {number} —" not in doc.text


@pytest.mark.parametrize("name", ["2026_内蒙古自治区_政府工作报告", "2026_宁夏回族自治区_政府工作报告"])
def test_libreoffice_pdf_reads_as_its_text_file(shared_dir, name):
    corpus = shared_dir / "corpus"
    txt = read_document(corpus / f"{name}.txt")
    pdf = read_document(corpus / "pdf-libreoffice" / f"{name}.pdf")
    assert "增长 6.9%" in pdf.raw or "增长 6.9 %" in pdf.raw or "2.67 万亿元" in pdf.raw
    assert_same_content(txt, pdf)


def test_pdf_document_shape(pdfs, samples_dir):
    doc = pdfs["pdf-2col", NAMES[1]]
    assert doc.kind == "pdf" and doc.encoding is None and doc.name == f"{NAMES[1]}.pdf"
    count = len(pdfium.PdfDocument(samples_dir / "pdf-2col" / f"{NAMES[1]}.pdf"))
    assert [p.number for p in doc.pages] == list(range(1, count + 1))
    assert doc.raw.count("\f") == count - 1
    for page, nxt in zip(doc.pages, doc.pages[1:]):
        assert doc.raw[page.raw_end] == "\f" and nxt.raw_start == page.raw_end + 1
    assert doc.pages[-1].raw_end == len(doc.raw)
    assert "\f" not in doc.text and "\n\n" not in doc.text


def quote_as_normalized(doc: Document, start: int, end: int) -> str:
    quote = to_halfwidth(Mapped.identity(doc.quote(start, end))).text
    return squash(T2S.convert(quote))


@pytest.mark.parametrize("layout", LAYOUTS)
def test_quotes_of_random_spans_match_the_normalized_text(pdfs, layout):
    """A span inside one line and one page quotes the raw text it came from;
    (a span over a page break also quotes the dropped page number between)."""
    rng = random.Random(11)
    for name in NAMES:
        doc = pdfs[layout, name]
        lines = [(m.start(), m.end()) for m in re.finditer(r"[^\n]{12,}", doc.text)]
        checked = 0
        while checked < 150:
            a, b = rng.choice(lines)
            start = rng.randrange(a, b - 1)
            end = rng.randrange(start + 1, min(b, start + 80) + 1)
            if doc.page_at(start) != doc.page_at(end - 1):
                continue
            assert quote_as_normalized(doc, start, end) == squash(doc.text[start:end]), (name, start)
            checked += 1


def page_phrases(path: Path, doc: Document) -> list[tuple[int, str]]:
    """For each page with text, a run of Chinese as PDFium reads that page which
    occurs once in the document."""
    out = []
    pdf = pdfium.PdfDocument(path)
    for index in range(len(pdf)):
        runs = re.findall(r"[\u4e00-\u9fff]{10,}", pdf[index].get_textpage().get_text_range())
        unique = [T2S.convert(r) for r in runs if doc.text.count(T2S.convert(r)) == 1]
        if unique:
            out.append((index + 1, unique[len(unique) // 2]))
    return out


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("name", [NAMES[1], NAMES[4]])
def test_page_at_finds_the_page_of_a_phrase(pdfs, samples_dir, layout, name):
    doc = pdfs[layout, name]
    phrases = page_phrases(samples_dir / layout / f"{name}.pdf", doc)
    assert len(phrases) >= len(doc.pages) - 1  # the last page may hold only a footer
    for number, phrase in phrases:
        start = doc.text.find(phrase)
        assert doc.page_at(start) == number
        assert doc.page_at(start + len(phrase) - 1) == number
    assert doc.page_at(0) == 1


# --- PDFs made here: columns out of stream order, and the ones to refuse ---------

def make_pdf(pages: list[list[tuple[float, float, str]]], encrypt: bool = False,
             image: bool = False) -> bytes:
    """A minimal PDF: each page a list of (x, y, text) set in Helvetica 10pt, in
    that order in the content stream; optionally an inline image, or an
    /Encrypt dictionary whose user password is not empty."""
    objs = {1: b"<< /Type /Catalog /Pages 2 0 R >>",
            3: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"}
    kids, num = [], 4
    for items in pages:
        ops = [b"BT /F1 10 Tf 1 0 0 1 %.1f %.1f Tm (%s) Tj ET" % (x, y, t.encode("latin-1"))
               for x, y, t in items]
        if image:
            ops.append(b"q 200 0 0 200 100 400 cm BI /W 2 /H 2 /CS /G /BPC 8 ID \x00\xff\xff\x00 EI Q")
        stream = b"\n".join(ops)
        objs[num + 1] = b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream)
        objs[num] = (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
                     b"/Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>" % (num + 1))
        kids.append(num)
        num += 2
    objs[2] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
        b" ".join(b"%d 0 R" % k for k in kids), len(kids))
    extra = b""
    if encrypt:
        objs[num] = b"<< /Filter /Standard /V 1 /R 2 /O <%s> /U <%s> /P -4 >>" % (b"ab" * 32, b"cd" * 32)
        extra = b" /Encrypt %d 0 R /ID [<%s><%s>]" % (num, b"11" * 16, b"11" * 16)
    out = bytearray(b"%PDF-1.4\n")
    offsets = {}
    for n in sorted(objs):
        offsets[n] = len(out)
        out += b"%d 0 obj\n%s\nendobj\n" % (n, objs[n])
    xref, size = len(out), max(objs) + 1
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size
    for n in range(1, size):
        out += b"%010d 00000 n \n" % offsets[n]
    out += b"trailer\n<< /Size %d /Root 1 0 R%s >>\nstartxref\n%d\n%%%%EOF\n" % (size, extra, xref)
    return bytes(out)


def column_lines(x: float, tag: str) -> list[tuple[float, float, str]]:
    return [(x, 700 - 15 * i, f"{tag}{i} alpha beta gamma delta epsilon zeta eta") for i in range(20)]


def test_two_columns_written_line_by_line_read_column_by_column(tmp_path):
    left, right = column_lines(50, "left"), column_lines(320, "right")
    interleaved = [item for pair in zip(left, right) for item in pair]
    heading = (50, 760, "A Heading Across Both Columns Of The Page Here To Read First")
    path = tmp_path / "two.pdf"
    path.write_bytes(make_pdf([[heading] + interleaved + [(280, 30, "- 1 -")]]))
    doc = read_document(path)
    order = [doc.text.index(s) for s in
             ["Read First", "left0 ", "left1 ", "left19 ", "right0 ", "right1 ", "right19 "]]
    assert order == sorted(order)
    assert "- 1 -" in doc.raw and "- 1 -" not in doc.text


def test_one_column_is_not_split(tmp_path):
    lines = [(50, 700 - 15 * i, f"line{i} " + "word " * 16) for i in range(30)]
    path = tmp_path / "one.pdf"
    path.write_bytes(make_pdf([lines]))
    doc = read_document(path)
    order = [doc.text.index(f"line{i} ") for i in range(30)]
    assert order == sorted(order)


def refused(path: Path) -> str:
    with pytest.raises(ReadError) as err:
        read_document(path)
    assert path.name in str(err.value)
    return str(err.value)


def test_encrypted_pdf_is_refused(tmp_path):
    path = tmp_path / "locked.pdf"
    path.write_bytes(make_pdf([column_lines(50, "x")], encrypt=True))
    assert "encrypted" in refused(path)


def test_empty_pdf_is_refused(tmp_path):
    path = tmp_path / "nothing.pdf"
    path.write_bytes(make_pdf([]))
    assert "empty PDF" in refused(path)


def test_image_only_pdf_is_refused(tmp_path):
    path = tmp_path / "scan.pdf"
    path.write_bytes(make_pdf([[], []], image=True))
    assert "no text layer" in refused(path)


@pytest.mark.parametrize("cut", [0.3, 0.9])
def test_truncated_pdf_is_refused(samples_dir, tmp_path, cut):
    data = (samples_dir / "pdf" / f"{NAMES[0]}.pdf").read_bytes()
    path = tmp_path / "cut.pdf"
    path.write_bytes(data[:int(len(data) * cut)])
    assert "corrupt" in refused(path)


def test_garbage_named_pdf_is_refused(tmp_path):
    path = tmp_path / "junk.pdf"
    path.write_bytes(b"%PDF-1.7\n" + random.Random(3).randbytes(5000))
    assert "corrupt" in refused(path)
    path.write_bytes(b"this is not a pdf at all")
    assert "corrupt" in refused(path)


def test_missing_pdf_is_refused(tmp_path):
    assert "not found" in refused(tmp_path / "gone.pdf")


@pytest.mark.parametrize("name", ["govdoc_notice_2019_860.pdf", "bond_prospectus_p251.pdf"])
def test_real_pdfs_without_indicators_read(shared_dir, name):
    path = shared_dir / "corpus" / "pdf" / name
    doc = read_document(path)
    assert len(doc.pages) == len(pdfium.PdfDocument(path))
    assert len(doc.text) > 500
    assert re.search(r"[\u4e00-\u9fff]{6}", doc.text)


def test_table_rows_keep_their_lines_and_cells(shared_dir):
    doc = read_document(shared_dir / "corpus" / "pdf" / "bond_prospectus_p251.pdf")
    lines = doc.text.split("\n")
    assert "7杭州银行\t109,000.00\t32,690.00\t76,310.00" in lines
    assert "11上海银行盐城分行\t46,265.00\t46,265.00\t0.00" in lines
    assert "截至2023年3月末，发行人各类授信额度总额达372.53亿元，其中已使用额度252.06亿元，" \
           "尚未使用的授信额度为120.47亿元。" in lines


def test_tex_hyphen_between_digits_is_a_dash(shared_dir):
    doc = read_document(shared_dir / "corpus" / "pdf" / "govdoc_notice_2019_860.pdf")
    assert "\u00ad" in doc.raw
    assert "《国务院关于印发社会信用体系建设规划纲要（2014-2020年）的通知》" in doc.text
    assert doc.text.startswith("发展改革委办公厅\n")


def test_sentence_over_a_page_break_with_narrow_margins(tmp_path):
    """Body text reaching into the top few percent of the page is still body:
    the paragraph from the page before goes on in it."""
    full = "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu"
    first = [(137, 800 - 14 * i, f"{full} {i:02d}") for i in range(50)] + [(290, 20, "- 1 -")]
    second = [(137, 828, f"{full} 50"), (137, 814, "and so the sentence ends.")]
    path = tmp_path / "narrow.pdf"
    path.write_bytes(make_pdf([first, second]))
    doc = read_document(path)
    assert f"{full} 49 {full} 50 and so the sentence ends." in doc.text
    assert "- 1 -" not in doc.text and "\n" not in doc.text
    assert doc.page_at(doc.text.index("ends.")) == 2


def test_short_pages_and_an_empty_page(tmp_path):
    """A page of one line ends its paragraph (its right margin is unknown, the
    left one mirrored stands in); an empty page between is still a page."""
    path = tmp_path / "short.pdf"
    path.write_bytes(make_pdf([[(50, 700, "First page text here.")], [],
                               [(50, 700, "Third page text.")]]))
    doc = read_document(path)
    assert doc.text == "First page text here.\nThird page text."
    assert [p.number for p in doc.pages] == [1, 2, 3] and doc.pages[1].raw_start == doc.pages[1].raw_end
    assert doc.page_at(doc.text.index("Third")) == 3


def test_paragraph_over_both_columns_between_two_bands(tmp_path):
    """Upper band (left, right), a wrapped paragraph over both columns, lower
    band (left, right): read in that order, the wide paragraph as one line."""
    def column(x: float, top: float, tag: str) -> list[tuple[float, float, str]]:
        lines = [(x, top - 15 * i, f"{tag}{i} alpha beta gamma delta epsilon zeta eta") for i in range(7)]
        return lines + [(x, top - 105, f"{tag}7 ends.")]

    wide = "wide words run across the whole page from the left margin to the right one "
    middle = [(50, 540 - 15 * i, f"{wide}{i}") for i in range(3)]
    page = (column(50, 760, "ul") + column(320, 760, "ur") + middle
            + column(50, 480, "ll") + column(320, 480, "lr"))
    path = tmp_path / "bands.pdf"
    path.write_bytes(make_pdf([page]))
    doc = read_document(path)
    order = [doc.text.index(s) for s in ("ul0 ", "ul7 ", "ur0 ", "ur7 ", f"{wide}0", "ll0 ", "lr7 ")]
    assert doc.text.count("ends.\n") == 3
    assert order == sorted(order)
    assert f"{wide}0 {wide}1 {wide}2" in doc.text.split("\n")


@pytest.mark.parametrize("count", [3, 4])
def test_newspaper_page_of_three_or_four_columns(tmp_path, count):
    width = 515 / count
    page = []
    for c in range(count):
        x = 40 + c * width
        page += [(x, 760 - 15 * i, f"c{c}r{i} " + "ab cd ef gh ij kl mn"[: int(width / 6) - 6])
                 for i in range(10)]
    page.sort(key=lambda item: (-item[1], item[0]))  # written row by row, as a naive reader reads
    path = tmp_path / "paper.pdf"
    path.write_bytes(make_pdf([page]))
    doc = read_document(path)
    order = [doc.text.index(f"c{c}r{i} ") for c in range(count) for i in range(10)]
    assert order == sorted(order)
