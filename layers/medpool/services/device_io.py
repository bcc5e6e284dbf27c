"""Bulk device registration from CSV / xlsx (validated whole first, like loan imports) and the
inventory export (the same columns, so an export edited in Excel can be imported as new devices)."""
from __future__ import annotations

import re
from datetime import date

from medpool.errors import MedpoolError, Unprocessable
from medpool.models.device import SCOPE, Device
from medpool.models.user import User
from medpool.services import categories, departments, devices
from medpool.services.importing import CODE, Problems, check_header
from medpool.services.tabular import read_table, write_table

REQUIRED = ("id", "category_id", "name", "owner_department_id")
OPTIONAL = ("brand", "manufacturer", "model", "serial_no", "location", "purchase_price_fen", "purchase_date",
            "service_life_years")
READ_ONLY = ("status", "status_reason", "status_changed_at", "current_loan_id", "holder_department_id")
COLUMNS = REQUIRED + OPTIONAL + READ_ONLY


def _fields(line: int, cells: dict[str, str], refs: dict, problems: Problems) -> dict:
    fields: dict = {}
    if not CODE.match(cells["id"]):
        problems.add(line, "id", "资产编号只能包含字母、数字、- 和 _（最长 64）")
    elif cells["id"] in refs["existing"]:
        problems.add(line, "id", "资产编号已登记")
    if cells["category_id"] not in refs["categories"]:
        problems.add(line, "category_id", "设备类别不存在")
    if cells["owner_department_id"] not in refs["departments"]:
        problems.add(line, "owner_department_id", "科室不存在")
    if not 1 <= len(cells["name"]) <= 32:
        problems.add(line, "name", "名称须为 1-32 个字符")
    for column in ("brand", "manufacturer", "model", "serial_no", "location"):
        if len(cells.get(column, "")) > 64:
            problems.add(line, column, "最长 64 个字符")
        elif cells.get(column):
            fields[column] = cells[column]
    if cells.get("purchase_price_fen"):
        if re.fullmatch(r"\d{1,11}", cells["purchase_price_fen"]):
            fields["purchase_price_fen"] = int(cells["purchase_price_fen"])
        else:
            problems.add(line, "purchase_price_fen", "须为非负整数（单位：分）")
    if cells.get("service_life_years"):
        if re.fullmatch(r"\d{1,2}", cells["service_life_years"]) and 1 <= int(cells["service_life_years"]) <= 50:
            fields["service_life_years"] = int(cells["service_life_years"])
        else:
            problems.add(line, "service_life_years", "须为 1-50 的整数（年）")
    if cells.get("purchase_date"):
        try:
            fields["purchase_date"] = date.fromisoformat(cells["purchase_date"][:10]).isoformat()
            midnight = r".{10}T00:00(:00)?(Z|\+08:00)?"  # an xlsx date cell reads as Beijing midnight
            if len(cells["purchase_date"]) > 10 and not re.fullmatch(midnight, cells["purchase_date"]):
                raise ValueError
        except ValueError:
            problems.add(line, "purchase_date", "须为日期，如 2023-06-01")
    fields.update(category_id=cells["category_id"], name=cells["name"],
                  owner_department_id=cells["owner_department_id"])
    return fields


def validate_devices(content: bytes, fmt: str) -> list[tuple[str, dict]]:
    header, body = read_table(content, fmt)
    check_header(header, REQUIRED, OPTIONAL, READ_ONLY).raise_if_any("表头")
    rows = [(line, {name: (row[i].strip() if i < len(row) else "") for i, name in enumerate(header)})
            for line, row in body]
    if not rows:
        raise Unprocessable("文件中没有设备", code="empty_file")
    ids = sorted({cells["id"] for _, cells in rows if CODE.match(cells["id"])})
    refs = {"existing": {d.id for d in Device.batch_get(ids, attributes_to_get=["id"])} if ids else set(),
            "categories": {c.id for c in categories.list_categories()},
            "departments": {d.id for d in departments.list_departments()}}
    problems, seen, valid = Problems(), {}, []
    for line, cells in rows:
        fields = _fields(line, cells, refs, problems)
        if cells["id"] in seen:
            problems.add(line, "id", f"与第 {seen[cells['id']]} 行的资产编号重复")
        seen.setdefault(cells["id"], line)
        valid.append((cells["id"], fields))
    problems.raise_if_any("文件")
    return valid


def import_devices(actor: User, content: bytes, fmt: str = "csv", dry_run: bool = False) -> dict:
    """Each device is created with its audit record (one transaction each), after the whole file passed."""
    rows = validate_devices(content, fmt)
    created = []
    if not dry_run:
        for device_id, fields in rows:
            try:
                devices.create_device(actor, device_id, fields)
            except MedpoolError as error:  # registered by someone else since validation
                raise Unprocessable(f"导入在 {device_id} 处中止：{error.message}；已导入 {len(created)} 台",
                                    code="import_interrupted", details={"created": created}) from error
            created.append(device_id)
    return {"rows": len(rows), "imported": len(created), "dry_run": dry_run, "device_ids": created}


def export_devices(fmt: str) -> bytes:
    """The whole inventory by asset tag (a Query on the scope index, not a Scan)."""
    rows = [[getattr(device, column) for column in COLUMNS] for device in Device.by_scope.query(SCOPE)]
    return write_table([("设备", list(COLUMNS), rows)], fmt)
