"""The printable dossier of one device (A4, landscape), drawn with reportlab and its built-in Chinese CID
font STSong-Light (Adobe's Song; a PDF reader supplies the glyphs: no font file is shipped)."""
from __future__ import annotations

import io

from medpool import clock
from medpool.services.dossier.collect import Dossier
from medpool.services.dossier.sheets import IDENTITY, TOPICS, _value

FONT = "STSong-Light"


def _text(value: object) -> str:
    if value is None or value == "":
        return "-"
    if isinstance(value, float):
        return f"{value:,.2f}"  # hours, yuan
    if isinstance(value, str) and len(value) >= 20 and value[10:11] == "T" and value.endswith("Z"):
        return clock.parse_iso(value).astimezone(clock.SHANGHAI).strftime("%Y-%m-%d %H:%M")  # Beijing time
    return str(value)


def _points(text: str, size: float) -> float:
    """A generous estimate of the text's width: a CJK character is one em, anything else at most 0.6 em."""
    return sum(size if ord(char) > 0x2E7F else size * 0.6 for char in text)


def render(dossier: Dossier) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
    from xml.sax.saxutils import escape

    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    cell = ParagraphStyle("cell", fontName=FONT, fontSize=7.5, leading=9.5, wordWrap="CJK")
    head = ParagraphStyle("head", parent=cell, textColor=colors.white)
    title = ParagraphStyle("title", fontName=FONT, fontSize=16, leading=22)
    section = ParagraphStyle("section", fontName=FONT, fontSize=11, leading=16, spaceBefore=8, spaceAfter=3)
    small = ParagraphStyle("small", fontName=FONT, fontSize=8, leading=11, textColor=colors.grey)
    width = landscape(A4)[0] - 24 * mm

    def para(value: object, style=cell) -> Paragraph:
        return Paragraph(escape(_text(value)), style)

    def fitted(value: object, room: float) -> object:
        """Text that fits its column stays a plain string (a Paragraph per cell costs several times the time)."""
        text = _text(value)
        return text if _points(text, cell.fontSize) <= room else para(value)

    def table(header: list[str], rows: list[list], widths: list[float] | None = None) -> Table:
        widths = widths or [width / len(header)] * len(header)
        rooms = [w - 12 for w in widths]  # less the cell's padding
        data = [[para(h, head) for h in header]] + [[fitted(v, room) for v, room in zip(row, rooms)] for row in rows]
        built = Table(data, colWidths=widths, repeatRows=1)
        built.setStyle(TableStyle([
            ("FONT", (0, 1), (-1, -1), FONT, cell.fontSize, cell.leading),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#2f5d8a")),
            ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#9aa7b4")),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor("#f1f4f7")])]))
        return built

    identity = dossier.identity
    story = [Paragraph(escape(f"设备档案　{identity['id']}　{identity['name']}"), title),
             Paragraph(escape(f"生成时间 {_text(identity['generated_at'])}（北京时间）　依据《医疗器械监督管理条例》"
                              f"第四十九、五十条：记录保存至使用年限截止后至少 5 年"), small), Spacer(1, 4 * mm)]
    pairs = [(label, _value(identity, getter)) for label, getter in IDENTITY]
    half = (len(pairs) + 1) // 2
    left, right = pairs[:half], pairs[half:] + [("", "")] * (2 * half - len(pairs))
    grid = [[a, b, c, d] for (a, b), (c, d) in zip(left, right)]
    story.append(table(["项目", "内容", "项目", "内容"], grid, [width * 0.17, width * 0.33] * 2))
    for heading, attribute, columns in TOPICS:
        rows = getattr(dossier, attribute)
        story.append(Paragraph(escape(f"{heading}（{len(rows)}）"), section))
        if rows:
            story.append(table([name for name, _ in columns], [[_value(row, g) for _, g in columns] for row in rows]))
        else:
            story.append(Paragraph("无", cell))

    def footer(canvas, document) -> None:
        canvas.saveState()
        canvas.setFont(FONT, 7.5)
        canvas.drawRightString(landscape(A4)[0] - 12 * mm, 7 * mm,
                               f"MedPool 设备档案 {identity['id']}　第 {document.page} 页")
        canvas.restoreState()

    out = io.BytesIO()
    document = SimpleDocTemplate(out, pagesize=landscape(A4), leftMargin=12 * mm, rightMargin=12 * mm,
                                 topMargin=12 * mm, bottomMargin=14 * mm, title=f"设备档案 {identity['id']}",
                                 author="MedPool")
    document.build(story, onFirstPage=footer, onLaterPages=footer)
    return out.getvalue()
