"""The HTTP API as `make run` and the test stack serve it: Chalice's local dev server (the gateway
that turns HTTP into the Lambda event app.py reads), with three changes:
- a listen backlog of 128 instead of socketserver's 5, so 50 clients connecting at once are not reset;
- every method reaches the gateway (BaseHTTPRequestHandler answers unknown ones, e.g. TRACE, with a
  501 HTML page), and a method the path does not declare gets 405 method_not_allowed with `Allow`;
- an unknown path gets 404 route_not_found (chalice local: 403 "Missing Authentication Token"),
both in the API's error shape, as production's gateway responses answer them.

`python -m local.server --port 8000` serves app.py with the environment it is given."""
from __future__ import annotations

import argparse
import logging
import sys
from typing import Any

from chalice.cli.factory import CLIFactory
from chalice.deploy.validate import validate_routes
from chalice.local import (ChaliceRequestHandler, CustomLocalChalice, LocalChalice, LocalDevServer, LocalGateway,
                           RouteMatcher, ThreadedHTTPServer)

from local.dynamodb_local import ROOT

BACKLOG = 128


class Server(ThreadedHTTPServer):
    """One daemon thread per connection (Chalice's), with a backlog that holds a burst of clients."""

    request_queue_size = BACKLOG
    allow_reuse_address = True


class Gateway(LocalGateway):
    """chalice local's gateway, answering unknown paths and undeclared methods in the API's error shape;
    the event carries the caller's real address as its source IP (chalice local: always 127.0.0.1)."""

    def __init__(self, app_object: Any, config: Any, source_ip: str):
        super().__init__(app_object, config)
        self._matcher = RouteMatcher(list(app_object.routes))
        self._source_ip = source_ip

    def handle_request(self, method: str, path: str, headers: dict, body: bytes | None) -> dict:
        from medpool.api.errors import method_not_allowed_response, route_not_found_response

        try:
            route = self._matcher.match_route(path).route
        except ValueError:
            return route_not_found_response().to_dict()
        declared = self._app_object.routes[route]
        if method not in declared:  # OPTIONS too: the API declares no CORS preflight
            return method_not_allowed_response(list(declared)).to_dict()
        return super().handle_request(method, path, headers, body)

    def _generate_lambda_event(self, method: str, path: str, headers: dict, body: bytes | None) -> dict:
        event = super()._generate_lambda_event(method, path, headers, body)
        event["requestContext"]["identity"]["sourceIp"] = self._source_ip
        return event


class Handler(ChaliceRequestHandler):
    def __init__(self, request: Any, client_address: tuple, server: Any, app_object: Any, config: Any):
        self.local_gateway = Gateway(app_object, config, client_address[0])
        super(ChaliceRequestHandler, self).__init__(request, client_address, server)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("do_"):  # any method, TRACE or FOO as well as GET
            return self._generic_handle
        raise AttributeError(name)

    def _send_http_response_with_body(self, code: int, headers: dict, body: str | bytes) -> None:
        if self.command != "HEAD":
            return super()._send_http_response_with_body(code, headers, body)
        # A HEAD answer has headers only: a body would be read as the start of the next answer.
        self.send_response(code)
        self.send_header("Content-Length", str(len(body.encode() if isinstance(body, str) else body)))
        self.send_header("Content-Type", headers.pop("Content-Type", "application/json"))
        self._send_headers(headers)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        logging.getLogger("medpool.local").info("%s - %s", self.address_string(), format % args)


def _build_clients() -> None:
    """Build the DynamoDB client (one, shared by every model: medpool.models.base) and each model's table
    connection before serving. They are built lazily on first use, unguarded: 50 threads arriving together
    would each build their own client (seconds of CPU, megabytes each)."""
    from medpool.models import TABLES
    from medpool.models.base import transaction_connection

    clients = [model._get_connection().connection.client for model in TABLES.values()]
    clients.append(transaction_connection().client)


def create_server(host: str, port: int, stage: str = "local") -> LocalDevServer:
    """app.py behind the gateway above, with the Chalice stage's environment (.chalice/config.json)."""
    factory = CLIFactory(project_dir=str(ROOT))
    config = factory.create_config_obj(chalice_stage_name=stage)
    app = config.chalice_app
    validate_routes(app.routes)
    _build_clients()
    # What chalice local does to the app: current_request per thread.
    CustomLocalChalice.__bases__ = (LocalChalice, app.__class__)
    app.__class__ = CustomLocalChalice
    return LocalDevServer(app, config, host, port, handler_cls=Handler, server_cls=Server)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--stage", default="local")
    parser.add_argument("--quiet", action="store_true", help="no access log")
    args = parser.parse_args(argv)
    logging.basicConfig(stream=sys.stdout, level=logging.WARNING if args.quiet else logging.INFO,
                        format="%(message)s")
    server = create_server(args.host, args.port, args.stage)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
