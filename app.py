"""Every MedPool function in one Chalice app: what `chalice local` serves during development.
Production deploys each function on its own (see infra/)."""
from functions.apply.routes import api as apply_api
from functions.approve.routes import api as approve_api
from functions.devices.routes import api as devices_api
from functions.login.routes import api as login_api
from functions.reports.routes import api as reports_api
from functions.returns.routes import api as returns_api
from functions.users.routes import api as users_api
from medpool.api.routing import create_app

FUNCTION_APIS = [login_api, users_api, devices_api, apply_api, approve_api, returns_api, reports_api]

app = create_app("medpool", FUNCTION_APIS)
