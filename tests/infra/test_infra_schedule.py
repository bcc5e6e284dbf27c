"""Scheduled handlers (the overdue check) get an EventBridge rule on their own Lambda's `live` alias."""
import types

import pytest
from chalice import Chalice, Rate

from infra.project import ROOT, describe
from infra.template.functions import functions_section, unit_ids
from medpool.models import TABLES
from tests.infra.conftest import of_type


def _scheduled_function():
    """A function module shaped like functions/overdue/handler.py: an app with a 15-minute schedule."""
    app = Chalice(app_name="medpool-overdue")
    module = types.ModuleType("functions.overdue.handler")

    @app.schedule(Rate(15, unit=Rate.MINUTES))
    def check_overdue(event):
        return None

    module.app, module.check_overdue = app, check_overdue
    return describe("overdue", app, module, routes=[])


def test_a_schedule_becomes_an_event_of_its_function():
    function = _scheduled_function()
    [unit] = function.units
    assert (unit.name, unit.handler) == ("overdue", "functions.overdue.handler.check_overdue")
    resources = functions_section("prod", [function], TABLES, "AllAtOnce", grants={"overdue": {"records": "append"}})
    properties = resources[unit_ids(unit)["function"]]["Properties"]
    assert properties["Events"]["Schedule"]["Properties"]["Schedule"] == "rate(15 minutes)"
    assert properties["Timeout"] == 300


@pytest.mark.skipif(not (ROOT / "functions" / "overdue" / "handler.py").exists(),
                    reason="functions/overdue is not written yet")
def test_the_overdue_check_runs_every_15_minutes_on_its_alias(resources, functions):
    overdue = next(f for f in functions if f.name == "overdue")
    scheduled = [u for u in overdue.units if u.schedule]
    assert [u.schedule.expression for u in scheduled] == ["rate(15 minutes)"]
    alias = {"Ref": unit_ids(scheduled[0])["alias"]}
    [rule] = [r for r in of_type(resources, "AWS::Events::Rule").values()
              if r["Properties"]["Targets"][0]["Arn"] == alias]
    assert rule["Properties"]["ScheduleExpression"] == "rate(15 minutes)"
    [permission] = [p["Properties"] for p in of_type(resources, "AWS::Lambda::Permission").values()
                    if p["Properties"]["Principal"] == "events.amazonaws.com" and p["Properties"]["FunctionName"] == alias]
    assert permission


def test_the_import_job_driver_runs_every_minute(functions):
    reports = next(f for f in functions if f.name == "reports")
    assert [u.schedule.expression for u in reports.units if u.schedule] == ["rate(1 minute)"]


def test_no_rule_without_a_schedule(resources, functions):
    scheduled = [u for f in functions for u in f.units if u.schedule]
    assert len(of_type(resources, "AWS::Events::Rule")) == len(scheduled)
