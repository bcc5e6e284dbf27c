"""The reports function's Lambda entry points: a Chalice app with only this function's routes, the
scheduled step driver of import jobs (every minute; infra/ reads the schedule from this module) and the copier of
the access log's lines by subject (a CloudWatch Logs subscription of the API functions' log groups)."""
import json
import logging

from chalice import Rate

from functions.reports.routes import api
from medpool.api.routing import create_app

log = logging.getLogger(__name__)
app = create_app("medpool-reports", [api])
RUN_SECONDS = 240  # of the scheduled Lambda's 300 s: a step is bounded, the rest is the next run's
# handler attribute -> filter pattern of the subscription of every API function's log group (infra/ reads it)
LOG_SUBSCRIPTIONS = {"ingest_access_log": '{ $.log = "access" }'}


@app.schedule(Rate(1, unit=Rate.MINUTES))
def run_imports(event: object) -> dict:
    """Continue every running import job from its cursor (a job whose driver died resumes here)."""
    from medpool.services.imports import worker  # loaded here, not at import: the API Lambda rarely needs it

    result = worker.run_scheduled(RUN_SECONDS)
    if result["jobs"]:
        log.info("import jobs: %s", json.dumps(result))
    return result


def ingest_access_log(event: dict, context: object) -> dict:
    """A CloudWatch Logs subscription of the API functions' log groups (filter `{ $.log = "access" }`): copy the
    access lines by subject into the access_log table (GET /access)."""
    from medpool.services import access_store

    lines = access_store.lines_of_subscription(event)
    return {"lines": len(lines), "items": access_store.ingest(lines)}
