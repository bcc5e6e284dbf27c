"""The dossier as tables: one sheet per topic, one row per device / loan / record, the asset tag first, so
the dossiers of a whole category or department fit one workbook (cells neutralized by tabular.write_table)."""
from __future__ import annotations

from medpool.services.dossier.collect import Dossier
from medpool.services.tabular import write_table


def _yuan(fen: int | None) -> float | None:
    return round(fen / 100, 2) if fen is not None else None


IDENTITY = [("资产编号", "id"), ("名称", "name"), ("类别", "category"), ("品牌", "brand"), ("生产厂家", "manufacturer"),
            ("型号", "model"), ("序列号", "serial_no"), ("购置日期", "purchase_date"),
            ("购置价格（元）", lambda i: _yuan(i["purchase_price_fen"])), ("使用年限（年）", "service_life_years"),
            ("使用年限截止", "service_life_ends_on"), ("档案最早可销毁日期", "records_kept_until"),
            ("所属科室", "owner_department"), ("存放位置", "location"), ("当前状态", "status_label"),
            ("登记时间", "registered_at"), ("借用次数", "loans"), ("累计实际使用（小时）", "total_hours_used"),
            ("消毒次数", "disinfections"), ("预防性维护次数", "maintenances"), ("计量检定次数", "calibrations")]
TOPICS = [
    ("借用记录", "loans", [("借用单号", "loan_id"), ("借用科室", "department"), ("申请时间", "requested_at"),
                        ("交接时间", "handed_over_at"), ("归还时间", "returned_at"), ("实际使用（小时）", "hours_used"),
                        ("状态", "status_label"), ("归还状况", lambda r: {"ok": "完好", "damaged": "损坏"}.get(
                            r["condition"] or "", "")), ("归还说明", "return_note"),
                        ("费用（元）", lambda r: _yuan(r["charge_fen"]))]),
    ("清洁消毒", "disinfections", [("消毒时间", "performed_at"), ("方法", "method_label"), ("消毒剂", "agent"),
                               ("执行人", "performed_by"), ("借用单号", "loan_id"), ("待消毒（小时）", "waited_hours"),
                               ("登记人", "recorded_by")]),
    ("维护与检定", "upkeep", [("类型", "kind_label"), ("日期", "performed_on"), ("结果", "result_label"),
                          ("证书编号", "certificate_no"), ("下次到期日", "next_due"), ("说明", "note"),
                          ("证书文件数", "files"), ("登记人", "recorded_by"), ("记录键", "record_key")]),
    ("证书文件", "certificates", [("证书文件ID", "id"), ("类型", lambda r: {"maintenance": "预防性维护",
                                                                      "calibration": "计量检定"}[r["kind"]]),
                              ("日期", "performed_on"), ("证书编号", "certificate_no"), ("文件名", "filename"),
                              ("文件类型", "content_type"), ("大小（字节）", "size"), ("SHA-256", "sha256"),
                              ("上传时间", "uploaded_at"), ("上传人", "uploaded_by"), ("维护记录键", "record_key")]),
    ("损坏报告", "damage", [("借用单号", "loan_id"), ("借用科室", "department"), ("归还时间", "returned_at"),
                        ("损坏说明", "note")]),
    ("转移与状态变更", "changes", [("时间", "at"), ("事项", "what"), ("变更前", "before"), ("变更后", "after"),
                             ("说明", "note"), ("操作人", "by")]),
]


def _value(row: dict, getter) -> object:
    return getter(row) if callable(getter) else row.get(getter)


def tables(dossiers: list[Dossier]) -> list[tuple[str, list[str], list[list]]]:
    """(sheet title, header, rows) for each topic, every device's rows one after the other."""
    sheets = [("设备信息", [title for title, _ in IDENTITY],
               [[_value(d.identity, getter) for _, getter in IDENTITY] for d in dossiers])]
    for title, attribute, columns in TOPICS:
        rows = [[d.device.id] + [_value(row, getter) for _, getter in columns]
                for d in dossiers for row in getattr(d, attribute)]
        sheets.append((title, ["资产编号"] + [name for name, _ in columns], rows))
    return sheets


def workbook(dossiers: list[Dossier]) -> bytes:
    return write_table(tables(dossiers), "xlsx")
