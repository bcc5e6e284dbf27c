"""CSV and xlsx tables in and out (import, export, the finance office's billing sheet)."""
from __future__ import annotations

import csv
import io
import re
import zipfile
from datetime import date, datetime
from typing import Iterator

from medpool.errors import MedpoolError, PayloadTooLarge, Unprocessable

FORMATS = ("csv", "xlsx")
CONTENT_TYPES = {"csv": "text/csv; charset=utf-8",
                 "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
# Limits checked while reading, before memory grows with the file (docs/statistics.md, "Imports").
MAX_ROWS = 20_000  # data rows (blank rows not counted)
MAX_COLUMNS = 64  # cells read per row; the columns of an import are far fewer
MAX_FILE_BYTES = 10 * 1024 * 1024  # the file as uploaded (the API's body limit of 1 MB comes first)
MAX_UNCOMPRESSED_BYTES = 40 * 1024 * 1024  # an xlsx's parts, as declared in its zip directory
MAX_SHARED_STRINGS_BYTES = 16 * 1024 * 1024  # read whole by openpyxl, even in read-only mode
MAX_PARTS = 1000


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


def _too_large(what: str) -> PayloadTooLarge:
    return PayloadTooLarge(f"文件过大：{what}", code="file_too_large")


def _check_workbook(content: bytes) -> None:
    """Refuse a zip bomb from its directory, before anything is decompressed. Python's zipfile stops a
    part at its declared size (and then fails its CRC), so the declared sizes bound what parsing reads."""
    try:
        parts = zipfile.ZipFile(io.BytesIO(content)).infolist()
    except Exception as error:  # noqa: BLE001 - BadZipFile, EOFError, ValueError, ... for a broken file
        raise Unprocessable("文件无法读取：不是有效的 xlsx 工作簿", code="unreadable_file") from error
    if len(parts) > MAX_PARTS:
        raise _too_large(f"工作簿含 {len(parts)} 个部件")
    if sum(part.file_size for part in parts) > MAX_UNCOMPRESSED_BYTES:
        raise _too_large(f"解压后超过 {MAX_UNCOMPRESSED_BYTES // 1024 // 1024} MB")
    for part in parts:
        if part.filename.lower().endswith("sharedstrings.xml") and part.file_size > MAX_SHARED_STRINGS_BYTES:
            raise _too_large(f"共享字符串超过 {MAX_SHARED_STRINGS_BYTES // 1024 // 1024} MB")


def _xlsx_rows(content: bytes) -> Iterator[list[str]]:
    from openpyxl import load_workbook

    _check_workbook(content)
    book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    try:
        for row in book.worksheets[0].iter_rows(values_only=True, max_col=MAX_COLUMNS):
            cells = [_cell(v) for v in row]
            while cells and not cells[-1]:  # max_col pads every row to MAX_COLUMNS
                cells.pop()
            yield cells
    finally:
        book.close()


def _csv_rows(content: bytes) -> Iterator[list[str]]:
    text = content.decode("utf-8-sig")
    for row in csv.reader(io.StringIO(text)):
        yield [cell.strip() for cell in row[:MAX_COLUMNS]]


def read_table(content: bytes, fmt: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """(header, [(line number, cells)]) with blank rows dropped; the header is line 1. Rows are read one
    at a time and reading stops at the first row past MAX_ROWS."""
    if len(content) > MAX_FILE_BYTES:
        raise _too_large(f"超过 {MAX_FILE_BYTES // 1024 // 1024} MB")
    header: list[str] | None = None
    body: list[tuple[int, list[str]]] = []
    try:
        for number, row in enumerate(_xlsx_rows(content) if fmt == "xlsx" else _csv_rows(content), start=1):
            if header is None:
                if not any(row):
                    break
                header = [name.strip().lower() for name in row]
            elif any(row):
                if len(body) >= MAX_ROWS:
                    raise _too_large(f"超过 {MAX_ROWS} 行（请分成几个文件导入）")
                body.append((number, row))
    except (UnicodeDecodeError, csv.Error) as error:
        raise Unprocessable("文件无法读取：CSV 须为 UTF-8 编码", code="unreadable_file") from error
    except MedpoolError:
        raise
    except Exception as error:  # noqa: BLE001 - openpyxl raises many kinds for a corrupt workbook
        raise Unprocessable("文件无法读取：不是有效的 xlsx 工作簿", code="unreadable_file") from error
    if header is None:
        raise Unprocessable("文件为空或缺少表头行", code="empty_file")
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
