"""CSV and xlsx tables in and out (import, export, the finance office's billing sheet)."""
from __future__ import annotations

import csv
import io
from datetime import date, datetime

from medpool.errors import Unprocessable

FORMATS = ("csv", "xlsx")
CONTENT_TYPES = {"csv": "text/csv; charset=utf-8",
                 "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
MAX_ROWS = 200_000


def _cell(value: object) -> str:
    """An xlsx cell as text: dates as ISO 8601 (a naive date-time is taken as UTC), integral numbers as ints."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat() + ("Z" if value.tzinfo is None else "")
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


def write_table(sheets: list[tuple[str, list[str], list[list]]], fmt: str) -> bytes:
    """The first sheet only for CSV (UTF-8 with BOM, so Excel shows Chinese); every sheet in xlsx."""
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        _, header, rows = sheets[0]
        writer.writerow(header)
        writer.writerows(["" if v is None else v for v in row] for row in rows)
        return ("\ufeff" + out.getvalue()).encode("utf-8")
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    def clean(value: object) -> object:  # control characters are not allowed in a workbook
        return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value

    book = Workbook(write_only=True)
    for title, header, rows in sheets:
        sheet = book.create_sheet(title)
        sheet.append(header)
        for row in rows:
            sheet.append([clean(value) for value in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
