"""Issue 16: a device's identity fields for its dossier (manufacturer, service life), editable through the
device API and the device import, with the dates they imply (service life end, earliest purge); the certificate
store's two implementations."""
import boto3
import pytest
from moto import mock_aws

from medpool.services import retention
from medpool.services.certificates import files
from medpool.services.certificates.store import LocalStore, S3Store
from tests.support import table_counts


@pytest.fixture
def manager(api):
    return api.login("demo-manager")


def test_service_life_and_purge_dates():
    assert retention.service_life_ends_on("2022-06-01", 8) == "2030-06-01"
    assert retention.records_kept_until("2022-06-01", 8) == "2035-06-01"
    assert retention.records_kept_until("2020-02-29", 3) == "2028-02-28"  # 29 February into a common year
    assert retention.service_life_ends_on(None, 8) is None and retention.records_kept_until("2022-06-01", None) is None


def test_identity_fields_through_create_and_update(api, manager):
    body = {"id": "MON-900", "category_id": "monitor", "name": "监护仪 900", "owner_department_id": "SBK",
            "manufacturer": "深圳迈瑞生物医疗电子股份有限公司", "purchase_date": "2019-03-15", "service_life_years": 6}
    created = api.post("/devices", body, manager).body
    assert created["service_life_ends_on"] == "2025-03-15" and created["records_kept_until"] == "2030-03-15"
    updated = api.put("/devices/MON-900", {"service_life_years": 10, "serial_no": "SN-900"}, manager).body
    assert updated["records_kept_until"] == "2034-03-15" and updated["manufacturer"] == body["manufacturer"]
    before = table_counts()
    for bad in ({"service_life_years": 0}, {"service_life_years": 51}, {"service_life_years": "8"},
                {"manufacturer": "x" * 65}):
        assert api.put("/devices/MON-900", bad, manager).status == 400, bad
    assert table_counts() == before


def test_identity_fields_through_the_device_import(api, manager):
    header = "id,category_id,name,owner_department_id,manufacturer,purchase_date,service_life_years\n"
    bad = header + "MON-910,monitor,监护仪 910,SBK,迈瑞,2020-01-01,0\nMON-911,monitor,监护仪 911,SBK,迈瑞,2020-01-01,八\n"
    reply = api.post("/imports/devices", {"content": bad}, manager)
    assert reply.status == 422
    assert {(p["line"], p["column"]) for p in reply.body["error"]["details"]} == {
        (2, "service_life_years"), (3, "service_life_years")}
    good = header + "MON-910,monitor,监护仪 910,SBK,迈瑞,2020-01-01,8\n"
    assert api.post("/imports/devices", {"content": good}, manager).status == 200
    device = api.get("/devices/MON-910", manager).body
    assert device["manufacturer"] == "迈瑞" and device["records_kept_until"] == "2033-01-01"
    exported = api.get("/exports/devices", manager).body
    text = exported.decode("utf-8-sig") if isinstance(exported, bytes) else exported
    assert "manufacturer" in text.splitlines()[0] and "service_life_years" in text.splitlines()[0]


def test_file_types_come_from_the_bytes():
    assert files.sniff(b"%PDF-1.7 ...") == "application/pdf"
    assert files.sniff(b"\x89PNG\r\n\x1a\n....") == "image/png"
    assert files.sniff(b"\xff\xd8\xff\xe0....") == "image/jpeg"
    for content, code in ((b"", "empty_file"), (b"GIF89a", "unsupported_file_type"),
                          (b"<svg>", "unsupported_file_type"), (b"%PDF-" + b"0" * files.MAX_BYTES, "file_too_large")):
        with pytest.raises(Exception) as refused:
            files.sniff(content)
        assert refused.value.code == code


def test_the_local_store_keeps_files_under_its_folder_only(tmp_path):
    store = LocalStore(str(tmp_path))
    store.put("certificates/MON-001/0123456789abcdef", b"%PDF-1", "application/pdf")
    assert store.get("certificates/MON-001/0123456789abcdef") == b"%PDF-1"
    for key in ("certificates/../../etc/0123456789abcdef", "certificates/MON-001/../x", "/etc/passwd"):
        with pytest.raises(ValueError):
            store.put(key, b"x", "application/pdf")


def test_the_s3_store_writes_encrypted_objects_and_reads_them_back():
    with mock_aws():
        s3 = boto3.client("s3", region_name="cn-north-1")
        s3.create_bucket(Bucket="certs", CreateBucketConfiguration={"LocationConstraint": "cn-north-1"})
        store = S3Store("certs", "cn-north-1")
        store.put("certificates/MON-001/0123456789abcdef", b"\x89PNG\r\n\x1a\n", "image/png")
        head = s3.head_object(Bucket="certs", Key="certificates/MON-001/0123456789abcdef")
        assert head["ContentType"] == "image/png" and head["ServerSideEncryption"] == "AES256"
        assert store.get("certificates/MON-001/0123456789abcdef") == b"\x89PNG\r\n\x1a\n"
