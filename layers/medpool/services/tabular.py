"""CSV and xlsx tables in and out (import, export, the finance office's billing sheet)."""
from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime

from medpool.errors import Unprocessable

FORMATS = ("csv", "xlsx")
CONTENT_TYPES = {"csv": "text/csv; charset=utf-8",
                 "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
MAX_ROWS = 200_000


def _cell(value: object) -> str:
    """An xlsx cell as text: dates as ISO 8601 (a naive date-time, as Excel writes them, is Beijing time),
    integral numbers as ints."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat() + ("+08:00" if value.tzinfo is None else "")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_table(content: bytes, fmt: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """(header, [(line number, cells)]) with blank rows dropped; the header is line 1."""
    try:
        if fmt == "xlsx":
            from openpyxl import load_workbook

            sheet = load_workbook(io.BytesIO(content), read_only=True, data_only=True).worksheets[0]
            rows = [[_cell(v) for v in row] for row in sheet.iter_rows(values_only=True)]
        else:
            rows = [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(content.decode("utf-8-sig")))]
    except (UnicodeDecodeError, csv.Error) as error:
        raise Unprocessable("文件无法读取：CSV 须为 UTF-8 编码", code="unreadable_file") from error
    except Exception as error:  # noqa: BLE001 - openpyxl raises many kinds for a corrupt workbook
        raise Unprocessable("文件无法读取：不是有效的 xlsx 工作簿", code="unreadable_file") from error
    if not rows or not any(rows[0]):
        raise Unprocessable("文件为空或缺少表头行", code="empty_file")
    if len(rows) > MAX_ROWS + 1:
        raise Unprocessable(f"文件超过 {MAX_ROWS} 行", code="file_too_large")
    header = [name.strip().lower() for name in rows[0]]
    body = [(number, row) for number, row in enumerate(rows[1:], start=2) if any(cell for cell in row)]
    return header, body


# Characters that make a spreadsheet read a cell as a formula (OWASP CSV injection), also in their
# full-width forms (a Chinese input method types ＝ for =), and after leading blanks.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")
_BLANKS = "".join(chr(code) for code in range(33)) + "\u3000"  # spaces and control characters
_NUMBER = re.compile(r"[+-]?\d+(\.\d+)?")


def safe_cell(value: object) -> object:
    """A value for an exported sheet: text that a spreadsheet would take for a formula gets a leading
    apostrophe (`'=HYPERLINK(...)` shows as text); numbers, and text that is a plain number such as
    "-12.50", are left as they are."""
    if value is None:
        return ""
    if isinstance(value, str) and value.lstrip(_BLANKS).startswith(FORMULA_START) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def write_table(sheets: list[tuple[str, list[str], list[list]]], fmt: str) -> bytes:
    """The first sheet only for CSV (UTF-8 with BOM, so Excel shows Chinese); every sheet in xlsx. Every
    cell goes through safe_cell, and xlsx text cells are written as text (never as formulas)."""
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        _, header, rows = sheets[0]
        writer.writerow([safe_cell(v) for v in header])
        writer.writerows([safe_cell(v) for v in row] for row in rows)
        return ("\ufeff" + out.getvalue()).encode("utf-8")
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    book = Workbook(write_only=True)
    for title, header, rows in sheets:
        sheet = book.create_sheet(title)

        def cell(value: object) -> object:
            if isinstance(value, str):
                value = ILLEGAL_CHARACTERS_RE.sub("", value)  # control characters are not allowed in a workbook
            value = safe_cell(value)
            if not isinstance(value, str):
                return value
            text = WriteOnlyCell(sheet, value=value)
            text.data_type = "s"  # openpyxl would take any text starting with "=" for a formula
            return text

        sheet.append([cell(value) for value in header])
        for row in rows:
            sheet.append([cell(value) for value in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
