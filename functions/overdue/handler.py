"""The overdue function's Lambda entry points: its API app (outbox, escalation blocks) and the
scheduled overdue check (every 15 minutes; infra/ reads the schedule from this module)."""
import json
import logging

from chalice import Rate

from functions.overdue.routes import api
from medpool.api.routing import create_app
from medpool.services import overdue

log = logging.getLogger(__name__)
app = create_app("medpool-overdue", [api])


@app.schedule(Rate(15, unit=Rate.MINUTES))
def check_overdue(event: object) -> dict:
    """Flag overdue loans, remind due-soon ones, deliver the outbox."""
    result = overdue.run()
    log.info("overdue check: %s", json.dumps(result, ensure_ascii=False))
    return result
