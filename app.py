"""Every MedPool function in one Chalice app: what `chalice local` serves during development.
Production deploys each function on its own (see infra/)."""
from chalice import Rate

from functions.announcements.routes import api as announcements_api
from functions.apply.routes import api as apply_api
from functions.approve.routes import api as approve_api
from functions.devices.routes import api as devices_api
from functions.login.routes import api as login_api
from functions.overdue.routes import api as overdue_api
from functions.reports.routes import api as reports_api
from functions.returns.routes import api as returns_api
from functions.users.routes import api as users_api
from medpool.api.routing import create_app

FUNCTION_APIS = [login_api, users_api, devices_api, apply_api, approve_api, returns_api, reports_api,
                 announcements_api, overdue_api]

app = create_app("medpool", FUNCTION_APIS)


@app.schedule(Rate(15, unit=Rate.MINUTES))
def check_overdue(event: object) -> dict:
    """The overdue check (functions/overdue/handler.py is its Lambda in production)."""
    from medpool.services import overdue

    return overdue.run()
