"""Issue 16 parts 1-2 on DynamoDB Local, through the API: a device's dossier (json, xlsx, pdf) with every loan,
disinfection, maintenance, calibration, damage, transfer and status change and the hours used; the dossiers of
a category or department in one workbook; certificate files on maintenance / calibration records (type by
magic bytes, size limit, retry-safe, downloadable); retention dates on the device."""
import base64
import io
from datetime import timedelta

import pytest

from local.dynamodb_counter import count_dynamodb
from medpool import clock, config
from medpool.models.device import Device
from medpool.models.record import Record
from medpool.models.user import User
from medpool.services import devices, disinfection, loan_flow, loans, upkeep
from medpool.services.certificates import store
from tests.support import label_scene

DEVICE = "VENT-002"


@pytest.fixture(scope="module")
def certificate_dir(tmp_path_factory, real_tables):
    folder = tmp_path_factory.mktemp("certificates")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MEDPOOL_CERTIFICATE_DIR", str(folder))
        config.reset()
        yield folder
    config.reset()


@pytest.fixture(scope="module")
def manager_token(real_api):
    return real_api.login("demo-manager")


@pytest.fixture(scope="module")
def history(real_tables, certificate_dir):
    """Two loans of one ventilator (6 h, returned ok and disinfected; 5 h, returned damaged, repaired,
    disinfected), a maintenance and a calibration with certificate numbers, a transfer to ICU."""
    manager, nurse = User.get("demo-manager"), User.get("demo-nurse-icu")
    start = clock.now().replace(microsecond=0) - timedelta(days=3)

    def at(hours):
        clock.freeze(start + timedelta(hours=hours))

    try:
        made = []
        for n, (begin, hours, condition) in enumerate(((0, 6, "ok"), (24, 5, "damaged"))):
            at(begin)
            loan, _ = loans.create_loan(nurse, loans.LoanRequest("ventilator", DEVICE, "urgent", "术后呼吸支持",
                                                                 clock.to_iso(clock.now() + timedelta(hours=48))),
                                        f"dossier-loan-{n}")
            at(begin + 0.5)
            loan_flow.approve(manager, loan.id, DEVICE)
            at(begin + 1)
            loan_flow.hand_over(nurse, loan.id, scan=label_scene(DEVICE))
            at(begin + 1 + hours)
            loan_flow.confirm_return(manager, loan.id, condition, "管路接口破裂" if condition == "damaged" else None,
                                     scan=label_scene(DEVICE))
            if condition == "damaged":
                at(begin + 30)
                devices.update_device(manager, DEVICE, {"status": "available"})  # repaired: waits for disinfection
            at(begin + 31)
            disinfection.record(manager, DEVICE, disinfection.Disinfection(method="chlorine_wipe",
                                                                            agent="含氯消毒剂 500mg/L"),
                                scan=label_scene(DEVICE))
            made.append(loan)
    finally:
        clock.freeze(None)
    today = upkeep.today()
    next_year = f"{int(today[:4]) + 1}{today[4:]}"
    upkeep.record(manager, DEVICE, upkeep.UpkeepRecord("maintenance", "pass", certificate_no="WB-2026-118",
                                                       next_due=next_year))
    upkeep.record(manager, DEVICE, upkeep.UpkeepRecord("calibration", "pass", certificate_no="JL-2026-0457",
                                                       next_due=next_year, note="JJF 1234 呼吸机检定"))
    devices.update_device(manager, DEVICE, {"owner_department_id": "ICU", "location": "ICU 3 床",
                                            "service_life_years": 8, "manufacturer": "深圳迈瑞生物医疗电子股份有限公司"})
    return made


def upkeep_key(kind):
    action = upkeep.RECORD_ACTIONS[kind]
    return next(r.record_key for r in Record.query(f"device#{DEVICE}") if r.action == action)


def a_pdf() -> bytes:
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    page = canvas.Canvas(out)
    page.drawString(72, 720, "Calibration certificate JL-2026-0457")
    page.save()
    return out.getvalue()


PNG_BYTES = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==")


def upload(api, token, content: bytes, record_key: str, filename="证书.pdf", device=DEVICE):
    body = {"record_key": record_key, "filename": filename, "content": base64.b64encode(content).decode()}
    return api.post(f"/devices/{device}/certificates", body, token)


def test_the_device_shows_its_service_life_end_and_the_earliest_purge_date(real_api, manager_token, history):
    device = real_api.get(f"/devices/{DEVICE}", manager_token).body
    assert device["purchase_date"] == "2022-06-01" and device["service_life_years"] == 8
    assert device["service_life_ends_on"] == "2030-06-01" and device["records_kept_until"] == "2035-06-01"
    assert device["manufacturer"] == "深圳迈瑞生物医疗电子股份有限公司"
    nurse = real_api.login("demo-nurse-icu")  # the dates are no secret
    assert real_api.get(f"/devices/{DEVICE}", nurse).body["records_kept_until"] == "2035-06-01"
    bad = real_api.put(f"/devices/{DEVICE}", {"service_life_years": 0}, manager_token)
    assert bad.status == 400


def test_certificates_are_checked_by_their_bytes_stored_once_and_downloaded(real_api, manager_token, history,
                                                                          certificate_dir):
    calibration = upkeep_key("calibration")
    pdf = a_pdf()
    first = upload(real_api, manager_token, pdf, calibration)
    assert first.status == 201, first.body
    assert first.body["kind"] == "calibration" and first.body["certificate_no"] == "JL-2026-0457"
    assert first.body["content_type"] == "application/pdf" and first.body["size"] == len(pdf)
    again = upload(real_api, manager_token, pdf, calibration)  # a retry: nothing more is written
    assert again.status == 201 and again.body["id"] == first.body["id"]
    assert len([r for r in Record.query(f"device#{DEVICE}") if r.action == "device.certificate"]) == 1
    # the type comes from the bytes, not the name
    png = upload(real_api, manager_token, PNG_BYTES, upkeep_key("maintenance"), filename="scan.pdf")
    assert png.status == 201 and png.body["content_type"] == "image/png" and png.body["kind"] == "maintenance"
    before = Device.get(DEVICE).version
    refused = {
        "text": upload(real_api, manager_token, b"%PDX not a pdf", calibration),
        "exe": upload(real_api, manager_token, b"MZ\x90\x00" * 10, calibration, filename="证书.pdf"),
        "too large": upload(real_api, manager_token, b"%PDF-" + b"0" * (4 * 1024 * 1024), calibration),
        "unknown record": upload(real_api, manager_token, pdf, "2026-01-01T00:00:00.000Z#0badc0de"),
        "not an upkeep record": upload(real_api, manager_token, pdf, next(
            r.record_key for r in Record.query(f"device#{DEVICE}") if r.action == "device.create")),
        "other device": upload(real_api, manager_token, pdf, calibration, device="VENT-003"),
    }
    assert {k: (r.status, r.error_code) for k, r in refused.items()} == {
        "text": (422, "unsupported_file_type"), "exe": (422, "unsupported_file_type"),
        "too large": (413, "file_too_large"), "unknown record": (422, "unknown_upkeep_record"),
        "not an upkeep record": (422, "unknown_upkeep_record"), "other device": (422, "unknown_upkeep_record")}
    bad_base64 = real_api.post(f"/devices/{DEVICE}/certificates", {"record_key": calibration, "content": "abc="},
                               manager_token)
    assert bad_base64.status in (400, 422)
    assert Device.get(DEVICE).version == before  # refused: nothing written
    assert sorted(p.name for p in certificate_dir.glob(f"certificates/{DEVICE}/*")) == sorted(
        [first.body["id"], png.body["id"]])
    nurse = real_api.login("demo-nurse-icu")
    assert upload(real_api, nurse, pdf, calibration).status == 403
    got = real_api.get(f"/devices/{DEVICE}/certificates/{first.body['id']}", manager_token,
                       headers={"Accept": "application/pdf"})
    assert got.status == 200 and got.headers["Content-Type"] == "application/pdf"
    assert (got.body if isinstance(got.body, bytes) else b"") == pdf
    assert real_api.get(f"/devices/{DEVICE}/certificates/{'0' * 16}", manager_token,
                        headers={"Accept": "*/*"}).error_code == "certificate_not_found"
    assert real_api.get(f"/devices/{DEVICE}/certificates/{first.body['id']}", nurse,
                        headers={"Accept": "*/*"}).status == 403


def test_the_dossier_holds_every_loan_record_and_the_hours_used(real_api, manager_token, history):
    with count_dynamodb() as usage:
        reply = real_api.get(f"/devices/{DEVICE}/dossier", manager_token)
    assert reply.status == 200, reply.body
    assert "Scan" not in usage.calls
    dossier = reply.body
    identity = dossier["identity"]
    assert identity["total_hours_used"] == 11.0 and identity["loans"] == 2
    assert identity["disinfections"] == 2 and identity["maintenances"] == 1 and identity["calibrations"] == 1
    assert identity["owner_department"] == "重症医学科" and identity["records_kept_until"] == "2035-06-01"
    assert [(row["department_id"], row["hours_used"], row["condition"]) for row in dossier["loans"]] == [
        ("ICU", 6.0, "ok"), ("ICU", 5.0, "damaged")]
    assert [row["loan_id"] for row in dossier["disinfections"]] == [loan.id for loan in history]
    assert all(row["method_label"] == "含氯消毒剂擦拭" and row["agent"] == "含氯消毒剂 500mg/L"
               for row in dossier["disinfections"])
    assert {(row["kind"], row["result"], row["certificate_no"]) for row in dossier["upkeep"]} == {
        ("maintenance", "pass", "WB-2026-118"), ("calibration", "pass", "JL-2026-0457")}
    assert [row["loan_id"] for row in dossier["damage"]] == [history[1].id]
    assert dossier["damage"][0]["note"] == "管路接口破裂"
    whats = [(row["what"], row["before"], row["after"]) for row in dossier["changes"]]
    assert ("转移", "所属科室：设备科；存放位置：设备调配中心", "所属科室：重症医学科；存放位置：ICU 3 床") in whats
    statuses = [(b, a) for what, b, a in whats if what == "状态变更"]
    assert ("已借出", "维修/校准中") in statuses and ("维修/校准中", "待消毒") in statuses  # damaged, repaired
    assert statuses.count(("可借用", "已预留")) == 2 and statuses.count(("待消毒", "可借用")) == 2
    assert real_api.get("/devices/NOPE-1/dossier", manager_token).error_code == "device_not_found"
    assert real_api.get(f"/devices/{DEVICE}/dossier", real_api.login("demo-nurse-icu")).status == 403


def test_the_dossier_as_a_workbook_and_a_pdf(real_api, manager_token, history):
    from openpyxl import load_workbook

    xlsx = real_api.get(f"/devices/{DEVICE}/dossier?format=xlsx", manager_token,
                        headers={"Accept": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"})
    assert xlsx.status == 200
    book = load_workbook(io.BytesIO(xlsx.body))
    assert book.sheetnames == ["设备信息", "借用记录", "清洁消毒", "维护与检定", "证书文件", "损坏报告", "转移与状态变更"]
    info = list(book["设备信息"].values)
    assert info[1][0] == DEVICE and info[1][info[0].index("累计实际使用（小时）")] == 11
    assert [row[6] for row in list(book["借用记录"].values)[1:]] == [6, 5]
    pdf = real_api.get(f"/devices/{DEVICE}/dossier?format=pdf", manager_token, headers={"Accept": "application/pdf"})
    assert pdf.status == 200 and pdf.body[:5] == b"%PDF-"
    import fitz  # pymupdf (dev): read the PDF back, render its first page to look at it

    document = fitz.open(stream=pdf.body, filetype="pdf")
    text = "".join(page.get_text() for page in document)
    for expected in ("设备档案", DEVICE, "JL-2026-0457", "含氯消毒剂擦拭", "管路接口破裂", "2035-06-01", "重症医学科"):
        assert expected in text, expected
    from pathlib import Path

    out = Path(__file__).resolve().parents[2] / "build" / "dossier"
    out.mkdir(parents=True, exist_ok=True)
    for number, page in enumerate(document, start=1):
        page.get_pixmap(dpi=110).save(out / f"{DEVICE}-page{number}.png")
    no_accept = real_api.get(f"/devices/{DEVICE}/dossier?format=pdf", manager_token, headers={"Accept": "application/json"})
    assert no_accept.error_code == "accept_header_required"


def test_the_dossiers_of_a_category_or_a_department_in_one_workbook(real_api, manager_token, history):
    from openpyxl import load_workbook

    accept = {"Accept": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
    with count_dynamodb() as usage:
        reply = real_api.get("/dossiers?category_id=ventilator", manager_token, headers=accept)
    assert reply.status == 200 and "Scan" not in usage.calls
    book = load_workbook(io.BytesIO(reply.body))
    devices_listed = [row[0] for row in list(book["设备信息"].values)[1:]]
    assert devices_listed == [f"VENT-{n:03d}" for n in range(1, 7)]
    assert {row[0] for row in list(book["借用记录"].values)[1:]} == {DEVICE}
    icu = load_workbook(io.BytesIO(real_api.get("/dossiers?owner_department_id=ICU", manager_token,
                                                headers=accept).body))
    assert [row[0] for row in list(icu["设备信息"].values)[1:]] == [DEVICE]  # transferred to ICU
    assert real_api.get("/dossiers", manager_token, headers=accept).error_code == "invalid_filter"
    assert real_api.get("/dossiers?category_id=toaster", manager_token, headers=accept).error_code == "unknown_category"
    assert real_api.get("/dossiers?owner_department_id=NOPE", manager_token,
                        headers=accept).error_code == "unknown_department"
    assert real_api.get("/dossiers?category_id=ventilator&owner_department_id=ICU", manager_token,
                        headers=accept).error_code == "invalid_filter"


def test_a_retired_device_keeps_its_dossier(real_api, manager_token, history):
    assert real_api.delete("/devices/VENT-006?reason=老化", manager_token).status == 200
    dossier = real_api.get("/devices/VENT-006/dossier", manager_token).body
    assert dossier["identity"]["status"] == "retired"
    assert [row["after"] for row in dossier["changes"] if row["what"] == "状态变更"] == ["已报废"]


def test_an_export_over_the_device_limit_is_refused(real_api, manager_token, monkeypatch):
    from medpool.services.dossier import collect

    monkeypatch.setattr(collect, "MAX_DEVICES", 5)  # ventilators: 6
    accept = {"Accept": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
    assert real_api.get("/dossiers?category_id=ventilator", manager_token,
                        headers=accept).error_code == "too_many_devices"
    monkeypatch.setattr(collect, "MAX_DEVICES", 6)
    assert real_api.get("/dossiers?category_id=ventilator", manager_token, headers=accept).status == 200


def test_the_same_certificate_sent_by_racing_retries_is_attached_once(history, certificate_dir):
    """A client's retries racing each other: one write wins the device's version, the others find the certificate
    on their second read and answer it; one record, one file."""
    from medpool.services.certificates import attach
    from tests.integration.race import race

    manager = User.get("demo-manager")
    key = upkeep_key("maintenance")
    content = a_pdf() + b"% racing copy"
    before = len([r for r in Record.query(f"device#{DEVICE}") if r.action == "device.certificate"])
    won, lost = race([lambda: attach.attach(manager, DEVICE, key, content, "维护报告.pdf") for _ in range(6)])
    assert not lost and len({entry["id"] for entry in won}) == 1 and len(won) == 6
    records = [r for r in Record.query(f"device#{DEVICE}", consistent_read=True) if r.action == "device.certificate"]
    assert len(records) == before + 1
    assert (certificate_dir / attach.storage_key(DEVICE, won[0]["id"])).read_bytes() == content
