"""devices: categories (with live availability), devices, maintenance and retirement, device history, the
device dossier (设备档案) and the certificate files of maintenance and calibration records."""
import base64
import binascii

from medpool.api.routing import JPEG, PDF, PNG, XLSX, FileResult, FunctionApi, Request
from medpool.api.schemas.common import PageOut, page_out
from medpool.api.schemas.devices import (CERTIFICATE_PATH, CODE_PATH, CategoryListOut, CategoryOut,
                                         CertificateBody, CertificateOut, CreateCategoryBody, CreateDeviceBody,
                                         DeviceDetailOut, DeviceHistoryOut, DeviceListQuery, DeviceOut,
                                         DisinfectionBody, DossierOut, DossierQuery, DossiersQuery,
                                         MaintenanceRecordBody, RetireQuery, UpdateCategoryBody, UpdateDeviceBody)
from medpool.api.schemas.loans import LoanOut, RecordOut
from medpool.errors import BadRequest
from medpool.policy import Access
from medpool.services import categories, device_codes, devices, disinfection, people, upkeep

api = FunctionApi("devices")


def category_out(category) -> CategoryOut:
    return CategoryOut.model_validate({**category.attribute_values, "availability": categories.board(category),
                                       **categories.waiting_list(category)})


@api.route("GET", "/categories", "listCategories", Access.ACTIVE, summary="设备类别与实时可借数量",
           response=CategoryListOut)
def list_categories(request: Request) -> CategoryListOut:
    return CategoryListOut(items=[category_out(c) for c in categories.list_categories()])


@api.route("POST", "/categories", "createCategory", Access.MANAGER, summary="新建设备类别",
           body=CreateCategoryBody, response=CategoryOut, status=201,
           errors={409: "类别编码已存在 (category_exists)"})
def create_category(request: Request) -> CategoryOut:
    fields = request.changes
    return category_out(categories.create_category(request.user, fields.pop("id"), fields))


@api.route("PUT", "/categories/{id}", "updateCategory", Access.MANAGER, summary="修改设备类别（费率、时长、操作指引、抢救预留与自动预留）",
           body=UpdateCategoryBody, response=CategoryOut,
           params=CODE_PATH, errors={409: "已被他人修改 (concurrent_modification)"})
def update_category(request: Request) -> CategoryOut:
    return category_out(categories.update_category(request.user, request.params["id"], request.changes))


@api.route("GET", "/devices", "listDevices", Access.ACTIVE,
           summary="设备列表（按类别、状态、借用科室筛选；待消毒按等待时长；30天内到期的维护/检定；申请方只见本科室的借用信息）",
           query=DeviceListQuery, response=PageOut[DeviceOut],
           errors={403: "申请方只能按本科室筛选借用中的设备 (other_department)",
                   422: "筛选条件不能这样组合 (invalid_filter)"})
def list_devices(request: Request) -> PageOut[DeviceOut]:
    q = request.query
    page = devices.list_devices(request.user, q.category_id, q.status, q.holder, q.limit, q.cursor,
                                cleaning_alert=bool(q.cleaning_alert), due_within_days=q.due_within_days)
    return page_out(DeviceOut, page, lambda device: DeviceOut.seen_by(request.user, device))


@api.route("GET", "/devices/{id}", "getDevice", Access.ACTIVE, summary="设备详情（当前借用、操作指引）",
           response=DeviceDetailOut)
def get_device(request: Request) -> DeviceDetailOut:
    found = devices.detail(request.user, request.params["id"])
    return DeviceDetailOut.model_validate({
        **DeviceOut.seen_by(request.user, found.device).model_dump(),
        "current_loan": LoanOut.of(found.current_loan) if found.current_loan else None,
        "category_name": found.category.name, "guide": found.category.guide, "guide_url": found.category.guide_url,
        "maintenance_interval_days": found.category.maintenance_interval_days,
        "calibration_interval_days": found.category.calibration_interval_days})


@api.route("POST", "/devices", "createDevice", Access.MANAGER, summary="登记设备", body=CreateDeviceBody,
           response=DeviceOut, status=201,
           errors={409: "资产编号已登记 (device_exists)", 422: "类别或科室不存在 (unknown_category, unknown_department)"})
def create_device(request: Request) -> DeviceOut:
    fields = request.changes
    return DeviceOut.model_validate(devices.create_device(request.user, fields.pop("id"), fields))


@api.route("PUT", "/devices/{id}", "updateDevice", Access.MANAGER, summary="修改设备、送修/恢复/报废",
           body=UpdateDeviceBody, response=DeviceOut,
           errors={409: "设备已预留或借出、状态不能如此变更或已被他人修改 (device_in_use, concurrent_modification)",
                   422: "类别或科室不存在 (unknown_category, unknown_department)"})
def update_device(request: Request) -> DeviceOut:
    return DeviceOut.model_validate(devices.update_device(request.user, request.params["id"], request.changes))


@api.route("DELETE", "/devices/{id}", "deleteDevice", Access.MANAGER, summary="报废设备（借出或预留时拒绝）",
           query=RetireQuery, response=DeviceOut,
           errors={409: "设备已预留或借出或已被他人修改 (device_in_use, concurrent_modification)"})
def delete_device(request: Request) -> DeviceOut:
    return DeviceOut.model_validate(devices.retire_device(request.user, request.params["id"], request.query.reason))


@api.route("GET", "/devices/{id}/history", "getDeviceHistory", Access.MANAGER, summary="设备借用与变更历史",
           response=DeviceHistoryOut)
def get_device_history(request: Request) -> DeviceHistoryOut:
    found = devices.history(request.params["id"])
    who = people.lookup([*(loan.applicant_openid for loan in found.loans), *(record.actor for record in found.records)])
    return DeviceHistoryOut(device=DeviceOut.model_validate(found.device),
                            loans=[LoanOut.of(loan, people=who, viewer=request.user) for loan in found.loans],
                            records=[RecordOut.named(record, who) for record in found.records])


@api.route("GET", "/devices/{id}/code", "getDeviceCode", Access.MANAGER,
           summary="设备小程序码（打印标签，扫码打开设备页；码内含标签密钥，首次生成时记录）", files=(PNG,),
           errors={422: "资产编号过长，无法放入小程序码 (device_id_too_long_for_code)", 429: "微信接口调用过于频繁",
                   502: "微信服务不可用 (wechat_error)"})
def get_device_code(request: Request) -> FileResult:
    device_id = request.params["id"]
    return FileResult(device_codes.device_code_png(request.user, device_id), PNG, f"{device_id}.png")


@api.route("POST", "/devices/{id}/code/rotate", "rotateDeviceCode", Access.MANAGER,
           summary="重新打印标签：更换标签密钥，旧标签作废（记录）", response=DeviceOut,
           errors={422: "资产编号过长，无法放入小程序码 (device_id_too_long_for_code)"})
def rotate_device_code(request: Request) -> DeviceOut:
    return DeviceOut.model_validate(device_codes.rotate(request.user, request.params["id"]))


@api.route("POST", "/devices/{id}/disinfection", "recordDisinfection", Access.MANAGER,
           summary="登记归还后的清洁消毒（扫描设备标签或手工输入资产编号），设备恢复可借", body=DisinfectionBody,
           response=DeviceOut,
           errors={404: "设备不存在 (device_not_found)",
                   409: "设备不在待消毒状态或已被他人更新 (device_not_cleaning, concurrent_modification)",
                   422: "未扫码、扫码无效、设备不一致或时间不合理 (scan_required, scan_or_device_id, invalid_scan, "
                        "wrong_device, performed_in_future, performed_before_return)"})
def record_disinfection(request: Request) -> DeviceOut:
    body = request.body
    done = disinfection.Disinfection(method=body.method, agent=body.agent, performed_by=body.performed_by,
                                     performed_at=body.performed_at, note=body.note)
    device = disinfection.record(request.user, request.params["id"], done, scan=body.scan, typed_id=body.device_id)
    return DeviceOut.model_validate(device)


@api.route("POST", "/devices/{id}/maintenance-records", "recordMaintenance", Access.MANAGER,
           summary="登记预防性维护或计量检定（结果、证书编号、下次到期日；不合格则设备送修）",
           body=MaintenanceRecordBody, response=DeviceOut,
           errors={404: "设备不存在 (device_not_found)",
                   409: "设备已预留、借出、报废或已被他人修改 (device_in_use, device_retired, concurrent_modification)",
                   422: "日期不合理或合格时缺少下次到期日（类别未设周期） (performed_in_future, next_due_not_after, "
                        "next_due_required)"})
def record_maintenance(request: Request) -> DeviceOut:
    body = request.body
    entry = upkeep.UpkeepRecord(kind=body.kind, result=body.result, performed_on=body.performed_on,
                                certificate_no=body.certificate_no, next_due=body.next_due, note=body.note)
    return DeviceOut.model_validate(upkeep.record(request.user, request.params["id"], entry))


# The dossier and certificate routes load their services (reportlab, the certificate store) when first called.
@api.route("GET", "/devices/{id}/dossier", "getDeviceDossier", Access.MANAGER,
           summary="设备档案：身份信息、每次借用（科室、时间、使用时长）、清洁消毒、维护与检定（结果、证书）、损坏、转移与状态变更、"
                   "累计使用时长（json / xlsx / pdf）",
           query=DossierQuery, response=DossierOut, files=(XLSX, PDF), errors={404: "设备不存在 (device_not_found)"})
def get_device_dossier(request: Request):
    from medpool.services.dossier import collect

    dossier = collect.device_dossier(request.params["id"])
    fmt = request.query.format
    if fmt == "xlsx":
        from medpool.services.dossier import sheets

        return FileResult(sheets.workbook([dossier]), XLSX, f"dossier-{dossier.device.id}.xlsx")
    if fmt == "pdf":
        from medpool.services.dossier import pdf

        return FileResult(pdf.render(dossier), PDF, f"dossier-{dossier.device.id}.pdf")
    return DossierOut.model_validate({"identity": dossier.identity, "loans": dossier.loans,
                                      "disinfections": dossier.disinfections, "upkeep": dossier.upkeep,
                                      "certificates": dossier.certificates, "damage": dossier.damage,
                                      "changes": dossier.changes})


@api.route("GET", "/dossiers", "exportDossiers", Access.MANAGER,
           summary="导出一个类别或一个所属科室全部设备的档案（xlsx，一个工作簿，每个主题一张表，最多 100 台）",
           query=DossiersQuery, files=(XLSX,),
           errors={422: "须按类别或所属科室之一导出、类别或科室不存在，或设备超过 100 台 (invalid_filter, unknown_category, "
                        "unknown_department, too_many_devices)"})
def export_dossiers(request: Request) -> FileResult:
    from medpool.services.dossier import collect, sheets

    q = request.query
    dossiers = collect.dossiers_of(q.category_id, q.owner_department_id)
    return FileResult(sheets.workbook(dossiers), XLSX, f"dossiers-{q.category_id or q.owner_department_id}.xlsx")


@api.route("POST", "/devices/{id}/certificates", "uploadCertificate", Access.MANAGER, status=201,
           summary="为维护或检定记录上传证书文件（PDF/PNG/JPEG，最大 4 MB，base64；按文件内容判断类型；重复上传同一文件不重复保存）",
           body=CertificateBody, response=CertificateOut, max_body=6_000_000,
           errors={400: "content 不是 base64 (invalid_base64)", 404: "设备不存在 (device_not_found)",
                   409: "证书文件过多或已被他人修改 (too_many_certificates, concurrent_modification)",
                   413: "文件超过 4 MB (file_too_large)",
                   422: "不是该设备的维护或检定记录，或文件不是 PDF/PNG/JPEG (unknown_upkeep_record, "
                        "unsupported_file_type, empty_file)"})
def upload_certificate(request: Request) -> CertificateOut:
    from medpool.services.certificates import attach

    body = request.body
    try:
        content = base64.b64decode(body.content, validate=True)
    except (binascii.Error, ValueError) as error:
        raise BadRequest("证书文件须以 base64 编码放在 content 中", code="invalid_base64") from error
    return CertificateOut.model_validate(attach.attach(request.user, request.params["id"], body.record_key, content,
                                                       body.filename))


@api.route("GET", "/devices/{id}/certificates/{cid}", "getCertificate", Access.MANAGER,
           summary="下载证书文件（PDF/PNG/JPEG）", files=(PDF, PNG, JPEG), params=CERTIFICATE_PATH,
           errors={404: "设备或证书文件不存在 (device_not_found, certificate_not_found)"})
def get_certificate(request: Request) -> FileResult:
    from medpool.services.certificates import attach

    found = attach.open_file(request.params["id"], request.params["cid"])
    return FileResult(found.content, found.content_type, found.filename)
