"""The purchase report as workbook sheets, beside the period's other statistics (tabular.write_table)."""
from __future__ import annotations

WEEKDAYS = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")


def _option(report: dict, devices: int, key: str):
    for option in report["recommendation"]["options"]:
        if option["devices"] == devices:
            return option[key]
    return None


def purchase_table(result: dict) -> tuple[list[str], list[list]]:
    header = ["开始日期", "结束日期", "类别编码", "类别", "现有台数", "建议台数(回放)", "负荷估算台数", "申请数", "排队申请数",
              "高峰同时在用", "无可用设备(小时)", "等待次数", "等待中位数(分钟)", "等待P90(分钟)", "抢救等待次数",
              "抢救等待中位数(分钟)", "紧急等待次数", "常规等待次数", "等待中取消", "仍在等待", "少一台:抢救达标率",
              "少一台:其他达标率", "建议台数:抢救达标率", "建议台数:其他达标率", "多一台:其他达标率", "到达(次/天)",
              "平均占用(小时)", "平均在用", "在用P95", "维修占比", "消毒占比", "建议"]
    rows = []
    for c in result["categories"]:
        best, waits, load = c["recommendation"]["devices"], c["waits"], c["load"]
        rows.append([result["from"], result["to"], c["category_id"], c["name"], c["current_devices"], best,
                     load["devices"], c["requests"], c["queued_requests"], c["peak_in_use"], c["hours_none_available"],
                     waits["total"]["count"], waits["total"]["median_minutes"], waits["total"]["p90_minutes"],
                     waits["emergency"]["count"], waits["emergency"]["median_minutes"], waits["urgent"]["count"],
                     waits["routine"]["count"], c["cancelled_while_waiting"], waits["still_waiting"],
                     _option(c, best - 1, "emergency_within_target"), _option(c, best - 1, "other_within_target"),
                     _option(c, best, "emergency_within_target"), _option(c, best, "other_within_target"),
                     _option(c, best + 1, "other_within_target"), load["arrivals_per_day"], load["mean_hold_hours"],
                     load["offered_load"], load["p95_in_use"], load["maintenance_share"], load["cleaning_share"],
                     c["sentence"]])
    return header, rows


def heatmap_table(result: dict) -> tuple[list[str], list[list]]:
    header = ["类别编码", "类别", "星期", *[f"{h:02d}时" for h in range(24)]]
    rows = [[c["category_id"], c["name"], WEEKDAYS[day], *values]
            for c in result["categories"] for day, values in enumerate(c["heatmap"])]
    return header, rows


def stats_table(stats: dict) -> tuple[list[str], list[list]]:
    header = ["类别编码", "类别", "台次", "借出机时", "在池机时", "使用率", "归还数", "损坏数", "损坏率", "期末在借", "逾期数",
              "逾期率", "收入(分)", "购置金额(分)", "经济效益", "审批中位数(分钟)", "交接中位数(分钟)"]
    keys = ["loans", "device_hours", "pool_device_hours", "utilization", "returns", "damaged_returns", "damage_rate",
            "open_at_end", "overdue_loans", "overdue_rate", "revenue_fen", "purchase_value_fen", "benefit_rate",
            "median_minutes_to_approval", "median_minutes_to_handover"]
    rows = [[c["category_id"], c["name"], *[c[k] for k in keys]] for c in stats["categories"]]
    rows.append(["", "合计", *[stats["total"][k] for k in keys]])
    return header, rows


def purchase_sheets(result: dict, stats: dict) -> list[tuple[str, list[str], list[list]]]:
    return [("购置依据", *purchase_table(result)), ("使用热力图", *heatmap_table(result)),
            ("分类统计", *stats_table(stats))]
