"""devices: categories (with live availability), devices, maintenance and retirement, device history."""
from medpool.api.routing import PNG, FileResult, FunctionApi, Request
from medpool.api.schemas.common import PageOut, page_out
from medpool.api.schemas.devices import (CODE_PATH, CategoryListOut, CategoryOut, CreateCategoryBody,
                                         CreateDeviceBody, DeviceDetailOut, DeviceHistoryOut, DeviceListQuery,
                                         DeviceOut, RetireQuery, UpdateCategoryBody, UpdateDeviceBody)
from medpool.api.schemas.loans import LoanOut, RecordOut
from medpool.policy import Access
from medpool.services import categories, device_codes, devices

api = FunctionApi("devices")


def category_out(category) -> CategoryOut:
    return CategoryOut.model_validate({**category.attribute_values, "availability": categories.board(category)})


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


@api.route("PUT", "/categories/{id}", "updateCategory", Access.MANAGER, summary="修改设备类别（费率、时长、操作指引）",
           body=UpdateCategoryBody, response=CategoryOut,
           params=CODE_PATH, errors={409: "已被他人修改 (concurrent_modification)"})
def update_category(request: Request) -> CategoryOut:
    return category_out(categories.update_category(request.user, request.params["id"], request.changes))


@api.route("GET", "/devices", "listDevices", Access.ACTIVE,
           summary="设备列表（按类别、状态、借用科室筛选；申请方只见本科室的借用信息）", query=DeviceListQuery,
           response=PageOut[DeviceOut], errors={403: "申请方只能按本科室筛选借用中的设备 (other_department)"})
def list_devices(request: Request) -> PageOut[DeviceOut]:
    q = request.query
    page = devices.list_devices(request.user, q.category_id, q.status, q.holder, q.limit, q.cursor)
    return page_out(DeviceOut, page, lambda device: DeviceOut.seen_by(request.user, device))


@api.route("GET", "/devices/{id}", "getDevice", Access.ACTIVE, summary="设备详情（当前借用、操作指引）",
           response=DeviceDetailOut)
def get_device(request: Request) -> DeviceDetailOut:
    found = devices.detail(request.user, request.params["id"])
    return DeviceDetailOut.model_validate({
        **DeviceOut.seen_by(request.user, found.device).model_dump(),
        "current_loan": LoanOut.of(found.current_loan) if found.current_loan else None,
        "category_name": found.category.name, "guide": found.category.guide, "guide_url": found.category.guide_url})


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
    return DeviceHistoryOut(device=DeviceOut.model_validate(found.device),
                            loans=[LoanOut.of(loan) for loan in found.loans],
                            records=[RecordOut.model_validate(record) for record in found.records])


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
