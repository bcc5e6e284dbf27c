"""An uploaded table is limited while it is read: an xlsx's declared part sizes are checked in its zip
directory before anything is decompressed (a zip bomb is refused at once), rows are streamed and
reading stops at the row limit; 413 for too large, 422 for unreadable, never a 500."""
import base64
import io
import tracemalloc
import zipfile

import pytest
from openpyxl import Workbook

from medpool.errors import PayloadTooLarge
from medpool.services import tabular


def _workbook(replace: dict[str, "callable"]) -> bytes:
    """A real workbook (openpyxl's own parts) with some parts replaced by streamed content."""
    book = Workbook()
    book.active.append(["device_id", "category_id"])
    book.active.append(["x", "y"])  # a string cell, so the workbook has a sharedStrings part
    plain = io.BytesIO()
    book.save(plain)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(plain.getvalue())) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename in replace:
                with target.open(info.filename, "w", force_zip64=True) as part:
                    for piece in replace[info.filename]():
                        part.write(piece)
            else:
                target.writestr(info, source.read(info.filename))
        for name in set(replace) - set(source.namelist()):  # openpyxl writes no sharedStrings part of its own
            with target.open(name, "w", force_zip64=True) as part:
                for piece in replace[name]():
                    part.write(piece)
    return out.getvalue()


def _huge_shared_strings():
    """64 MB of one shared string: it compresses to ~60 KB (a total of 64 MB is refused as well)."""
    yield b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>'
    block = b"A" * (1024 * 1024)
    for _ in range(64):
        yield block
    yield b"</t></si></sst>"


def _many_rows(count: int):
    def parts():
        yield (b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
               b"<sheetData>")
        for n in range(1, count + 1):
            yield f'<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>r{n}</t></is></c></row>'.encode()
        yield b"</sheetData></worksheet>"
    return parts


def _peak_while(action) -> int:
    tracemalloc.start()
    try:
        action()
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return peak


def test_a_zip_bomb_of_shared_strings_is_refused_before_it_is_decompressed():
    bomb = _workbook({"xl/sharedStrings.xml": _huge_shared_strings})
    assert len(bomb) < 200_000  # fits in an API request
    caught = []

    def read():
        with pytest.raises(PayloadTooLarge) as error:
            tabular.read_table(bomb, "xlsx")
        caught.append(error.value)

    peak = _peak_while(read)
    assert caught[0].code == "file_too_large"
    assert peak < 5 * 1024 * 1024  # the 64 MB part was never inflated


def test_rows_past_the_limit_stop_the_reading(monkeypatch):
    monkeypatch.setattr(tabular, "MAX_ROWS", 2_000)
    many = _workbook({"xl/worksheets/sheet1.xml": _many_rows(50_000)})
    with pytest.raises(PayloadTooLarge) as error:
        tabular.read_table(many, "xlsx")
    assert error.value.code == "file_too_large" and "2000" in error.value.message
    header, body = tabular.read_table(_workbook({"xl/worksheets/sheet1.xml": _many_rows(2_001)}), "xlsx")
    assert header == ["r1"] and len(body) == 2_000  # at the limit: read whole
    csv = ("h\n" + "".join(f"{n}\n" for n in range(2_001))).encode()
    with pytest.raises(PayloadTooLarge):
        tabular.read_table(csv, "csv")


def test_the_default_row_limit_streams(monkeypatch):
    """The real limit: rows are held as they stream, so memory is bounded by the limit, not the file."""
    many = _workbook({"xl/worksheets/sheet1.xml": _many_rows(tabular.MAX_ROWS + 500)})
    caught = []

    def read():
        with pytest.raises(PayloadTooLarge) as error:
            tabular.read_table(many, "xlsx")
        caught.append(error.value)

    peak = _peak_while(read)
    assert caught[0].code == "file_too_large"
    assert peak < 40 * 1024 * 1024


def test_the_api_answers_413_for_a_bomb_and_422_for_a_broken_zip(api):
    manager = api.login("demo-manager")
    bomb = base64.b64encode(_workbook({"xl/sharedStrings.xml": _huge_shared_strings})).decode()
    for path in ("/imports/loans", "/imports", "/imports/devices"):
        reply = api.post(path, {"content": bomb, "format": "xlsx"}, manager)
        assert (reply.status, reply.error_code) == (413, "file_too_large"), (path, reply.body)
    broken = base64.b64encode(b"PK\x03\x04" + b"\x00" * 200).decode()
    reply = api.post("/imports", {"content": broken, "format": "xlsx"}, manager)
    assert (reply.status, reply.error_code) == (422, "unreadable_file")
