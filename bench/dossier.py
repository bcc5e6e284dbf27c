"""The device dossier (issue 16) on DynamoDB Local with the demo hospital's year (664 loans): for the busiest
device, after a disinfection, a maintenance and a calibration with a certificate file, the DynamoDB calls and
items read, time and size of the dossier as JSON, xlsx and PDF; then one workbook for a whole category and for
the equipment department. The demo year's loans are imported history (no disinfection records); one live loan
is added, handed over, returned and disinfected. Writes the files to build/dossier/ and the PDF's pages as PNG (with pymupdf)."""
import base64
import time
from collections import Counter
from pathlib import Path

from bench.stats import ItemCounter
from local import stack as local_stack

OUT = Path(__file__).resolve().parents[1] / "build" / "dossier"


def _line(label: str, usage: ItemCounter, size: int) -> None:
    print(f"   {label}: {usage.calls} DynamoDB calls, {usage.items} items read, {usage.seconds * 1000:.0f} ms, "
          f"{size / 1024:.0f} KB")


def _history(device_id: str) -> None:
    """The clerk's side of the busiest device's latest cycle: disinfected, maintained, calibrated (certificate)."""
    from medpool.models.device import Device
    from medpool.models.record import Record
    from medpool.models.user import User
    from medpool.services import disinfection, upkeep
    from medpool.services.certificates import attach

    from medpool.services import devices, loan_flow, loans
    from medpool.services.device_codes import labelled, scene_of
    from datetime import timedelta

    from medpool import clock

    manager, nurse = User.get("demo-manager"), User.get("demo-nurse-icu")
    if Device.get(device_id).status == "cleaning":
        disinfection.record(manager, device_id, disinfection.Disinfection("chlorine_wipe", "含氯消毒剂 500mg/L"),
                            typed_id=device_id)
    category = Device.get(device_id).category_id
    loan, _ = loans.create_loan(nurse, loans.LoanRequest(category, device_id, "urgent", "术后监护",
                                                         clock.to_iso(clock.now() + timedelta(hours=24))),
                                "bench-dossier-0001")  # one live loan: hand-over, return, disinfection
    loan_flow.approve(manager, loan.id, device_id)
    scene = scene_of(labelled(manager, device_id))
    loan_flow.hand_over(nurse, loan.id, scan=scene)
    loan_flow.confirm_return(manager, loan.id, "ok", scan=scene)
    disinfection.record(manager, device_id, disinfection.Disinfection("chlorine_wipe", "含氯消毒剂 500mg/L"),
                        scan=scene)
    devices.update_device(manager, device_id, {"location": "设备调配中心 A2 架"})
    today = upkeep.today()
    next_year = f"{int(today[:4]) + 1}{today[4:]}"
    upkeep.record(manager, device_id, upkeep.UpkeepRecord("maintenance", "pass", certificate_no="WB-2024-031",
                                                          next_due=next_year, note="更换流量传感器与过滤器"))
    upkeep.record(manager, device_id, upkeep.UpkeepRecord("calibration", "pass", certificate_no="JL-2024-0457",
                                                          next_due=next_year, note="潮气量、氧浓度、压力检定合格"))
    key = next(r.record_key for r in Record.query(f"device#{device_id}") if r.action == "device.calibrated")
    png = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==")
    attach.attach(manager, device_id, key, png, "检定证书扫描件.png")


def run() -> None:
    import os
    import tempfile

    os.environ.setdefault("MEDPOOL_CERTIFICATE_DIR", tempfile.mkdtemp(prefix="bench-certificates-"))
    stack = local_stack.start(with_api=False, table_prefix="bench-dossier-", with_notifier=False)
    try:
        from medpool.demo import SYSTEM
        from medpool.demo_year import seed_demo_year
        from medpool.models.loan import Loan
        from medpool.services.dossier import collect, pdf, sheets

        seed_demo_year(SYSTEM)
        busiest, loans = Counter(l.device_id for l in Loan.scan() if l.device_id).most_common(1)[0]
        print(f"   demo year loaded; busiest device {busiest}: {loans} loans")
        _history(busiest)
        OUT.mkdir(parents=True, exist_ok=True)
        with ItemCounter() as usage:
            dossier = collect.device_dossier(busiest)
        _line(f"dossier of {busiest} (read)", usage, 0)
        identity = dossier.identity
        print(f"   {busiest}: {identity['loans']} loans, {identity['total_hours_used']:,.1f} h used, "
              f"{identity['disinfections']} disinfections, {identity['maintenances']} maintenance, "
              f"{identity['calibrations']} calibration, {len(dossier.certificates)} certificate file, "
              f"{len(dossier.damage)} damage reports, {len(dossier.changes)} transfers / status changes; "
              f"service life ends {identity['service_life_ends_on']}, records kept until "
              f"{identity['records_kept_until']}")
        for fmt, render in (("xlsx", lambda d: sheets.workbook([d])), ("pdf", pdf.render)):
            with ItemCounter() as usage:
                content = render(collect.device_dossier(busiest))
            (OUT / f"demo-{busiest}.{fmt}").write_bytes(content)
            _line(f"GET /devices/{busiest}/dossier?format={fmt}", usage, len(content))
        for label, kwargs in (("category_id=ventilator", {"category_id": "ventilator"}),
                              ("owner_department_id=SBK", {"owner_department_id": "SBK"})):
            with ItemCounter() as usage:
                dossiers = collect.dossiers_of(**kwargs)
                content = sheets.workbook(dossiers)
            (OUT / f"demo-dossiers-{label.split('=')[1]}.xlsx").write_bytes(content)
            _line(f"GET /dossiers?{label} ({len(dossiers)} devices, "
                  f"{sum(len(d.loans) for d in dossiers)} loans)", usage, len(content))
        try:
            import fitz
        except ImportError:
            return
        document = fitz.open(OUT / f"demo-{busiest}.pdf")
        for number, page in enumerate(document, start=1):
            page.get_pixmap(dpi=110).save(OUT / f"demo-{busiest}-page{number}.png")
        print(f"   PDF: {document.page_count} pages, rendered to {OUT}/demo-{busiest}-page*.png")
    finally:
        stack.stop()
