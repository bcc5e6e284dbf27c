"""Every MedPool function in one Chalice app: what `chalice local` serves during development.
Production deploys each function on its own (see infra/)."""
from functions.login.routes import api as login_api
from functions.users.routes import api as users_api
from medpool.api.routing import create_app

FUNCTION_APIS = [login_api, users_api]

app = create_app("medpool", FUNCTION_APIS)
