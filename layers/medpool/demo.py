"""Demo data for the local stage: departments, categories, devices and accounts. Idempotent:
what exists is left as it is, so `make run` seeds once and later runs find the data again."""
from __future__ import annotations

from medpool import clock
from medpool.errors import Conflict, MedpoolError
from medpool.models.user import SYSTEM, User
from medpool.services import categories, departments, devices, users
from medpool.services.audit import add_record
from medpool.services.transactions import transaction

EQUIPMENT_DEPARTMENT = "SBK"
DEPARTMENTS = [
    ("SBK", "设备科", True),
    ("ICU", "重症医学科", False),
    ("EM", "急诊科", False),
    ("RICU", "呼吸与危重症医学科", False),
    ("CCU", "心血管内科", False),
]
# openid, name, department, role, status
ACCOUNTS = [
    ("demo-admin", "王管理", "SBK", "admin", "active"),
    ("demo-manager", "李设备", "SBK", "manager", "active"),
    ("demo-nurse-icu", "张护士长", "ICU", "applicant", "active"),
    ("demo-nurse-em", "刘护士长", "EM", "applicant", "active"),
    ("demo-pending", "陈主任", "CCU", "applicant", "pending"),
]
# id, name, rate (fen), unit, max hours, guide, asset-tag prefix, brands, how many devices
CATEGORIES = [
    ("ventilator", "有创呼吸机", 1500, "hour", 168,
     "使用前检查管路与湿化器；开机自检通过后再连接患者；报警时先查看患者再处理设备。", "VENT",
     ["迈瑞 SV300", "德尔格 Savina 300"], 6),
    ("hfnc", "高流量呼吸湿化治疗仪", 800, "hour", 168,
     "使用灭菌注射用水湿化；按医嘱设置流量与氧浓度；鼻塞尺寸不超过鼻孔直径的一半。", "HFNC",
     ["费雪派克 AIRVO 2", "瑞迈特 HF-60"], 8),
    ("syringe_pump", "注射泵", 200, "hour", 336,
     "安装注射器后确认规格识别正确；排气后再连接患者；注意阻塞报警压力设置。", "PUMP",
     ["迈瑞 BeneFusion SP5", "史密斯 Graseby 2000"], 10),
    ("monitor", "监护仪", 600, "hour", 336,
     "开机后设置患者类型与报警限；电极片每 24 小时更换；转运时检查电池电量。", "MON",
     ["迈瑞 BeneVision N12", "飞利浦 IntelliVue MX450"], 10),
]


MANUFACTURERS = {"迈瑞": "深圳迈瑞生物医疗电子股份有限公司", "德尔格": "德尔格医疗设备（上海）有限公司",
                 "费雪派克": "费雪派克医疗保健有限公司", "瑞迈特": "北京怡和嘉业医疗科技股份有限公司",
                 "史密斯": "史密斯医疗", "飞利浦": "飞利浦医疗（苏州）有限公司"}
SERVICE_LIFE_YEARS = {"VENT": 8, "HFNC": 6, "PUMP": 6, "MON": 8}


def seed_categories() -> int:
    existing = {c.id for c in categories.list_categories()}
    created = 0
    for category_id, name, rate, unit, hours, guide, *_ in CATEGORIES:
        if category_id not in existing:
            categories.create_category(SYSTEM, category_id, {"name": name, "rate_fen": rate, "rate_unit": unit,
                                                             "max_loan_hours": hours, "guide": guide})
            created += 1
    return created


def seed_devices(per_category: int | None = None) -> int:
    created = 0
    for category_id, name, *_, prefix, brands, count in CATEGORIES:
        for n in range(1, min(count, per_category or count) + 1):
            device_id = f"{prefix}-{n:03d}"
            try:
                devices.get_device(device_id)
                continue
            except MedpoolError:
                pass
            brand, model = brands[n % len(brands)].split(" ", 1)
            devices.create_device(SYSTEM, device_id, {
                "category_id": category_id, "name": f"{name} {n:02d}", "brand": brand, "model": model,
                "manufacturer": MANUFACTURERS[brand], "service_life_years": SERVICE_LIFE_YEARS[prefix],
                "serial_no": f"SN{prefix}{2023000 + n}", "owner_department_id": EQUIPMENT_DEPARTMENT,
                "location": "设备调配中心", "purchase_price_fen": {"VENT": 28_000_000, "HFNC": 6_500_000,
                                                                  "PUMP": 800_000, "MON": 4_500_000}[prefix],
                "purchase_date": "2022-06-01"})
            created += 1
    return created


def seed_departments() -> int:
    existing = {d.id for d in departments.list_departments()}
    created = 0
    for department_id, name, is_equipment in DEPARTMENTS:
        if department_id not in existing:
            departments.create_department(SYSTEM, department_id, name, is_equipment)
            created += 1
    return created


def seed_accounts() -> int:
    created = 0
    for openid, name, department_id, role, status in ACCOUNTS:
        if users.find_user(openid) is not None:
            continue
        user = User(openid, name=name, department_id=department_id, role=role, status=status,
                    phone="13800000000", employee_no=openid.upper(), registered_at=clock.now_iso())
        with transaction(Conflict(code="already_registered")) as writer:
            add_record(writer, kind="user", subject_id=openid, actor=SYSTEM.openid, action="user.seed",
                       after=users.snapshot(user), head=user)
            writer.save(user, condition=User.openid.does_not_exist())
        created += 1
    return created


def seed_demo(devices_per_category: int | None = None, demo_year: bool = False) -> dict[str, int]:
    """Create whatever demo data is missing; returns how many of each kind were created. `demo_year`
    adds the reference hospital's year of loans (medpool.demo_year; `make run` and the CLI ask for it)."""
    created = {"departments": seed_departments(), "accounts": seed_accounts(), "categories": seed_categories(),
               "devices": seed_devices(devices_per_category)}
    if demo_year:
        from medpool.demo_year import seed_demo_year

        created["demo-year loans"] = seed_demo_year(SYSTEM)
    return created
