"""The announcements function's Lambda entry point: a Chalice app with only this function's routes."""
from functions.announcements.routes import api
from medpool.api.routing import create_app

app = create_app("medpool-announcements", [api])
