"""What there is to deploy, discovered from the code: the functions (functions/*/handler.py), their
routes (medpool.api.routing.ROUTES) and their Lambda entry points (the API app, any schedules, any
stream handler: a module's `STREAMS = {"<handler attribute>": "<logical table>"}`, and any handler of the API
functions' logs: `LOG_SUBSCRIPTIONS = {"<handler attribute>": "<CloudWatch Logs filter pattern>"}`)."""
from __future__ import annotations

import importlib
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
LAYER_SOURCE = ROOT / "layers" / "medpool"
FUNCTIONS_DIR = ROOT / "functions"
API_UNIT = "app"


@dataclass(frozen=True)
class Schedule:
    """A scheduled entry point: the handler attribute in functions/<name>/handler.py and its expression."""

    attribute: str
    expression: str


@dataclass(frozen=True)
class Stream:
    """A stream-fed entry point: the handler attribute and the logical table whose DynamoDB Stream feeds it."""

    attribute: str
    table: str


@dataclass(frozen=True)
class LogSubscription:
    """An entry point fed by a CloudWatch Logs subscription of every API unit's log group (the access log)."""

    attribute: str
    pattern: str


@dataclass(frozen=True)
class Unit:
    """One Lambda: a function's bundle with one entry point (the API app, a scheduled or a stream handler)."""

    function: str
    name: str  # short name, unique in the project: "<function>" or "<function>-<handler>"
    handler: str  # Lambda handler string
    schedule: Schedule | None = None
    stream: Stream | None = None
    subscription: LogSubscription | None = None

    @property
    def is_api(self) -> bool:
        return self.schedule is None and self.stream is None and self.subscription is None


@dataclass
class Function:
    name: str
    routes: list[Any] = field(default_factory=list)  # RouteSpec
    units: list[Unit] = field(default_factory=list)
    binary_types: list[str] = field(default_factory=list)


def function_names(root: Path = ROOT) -> list[str]:
    """Every deployable function: a folder of functions/ with a handler.py."""
    return sorted(path.parent.name for path in (root / "functions").glob("*/handler.py"))


def _schedules(app: Any, module: Any) -> list[Schedule]:
    from chalice.app import ScheduledEventConfig

    schedules = []
    for source in getattr(app, "event_sources", []):
        if not isinstance(source, ScheduledEventConfig):
            continue
        wrapped = app.handler_map[source.name]
        names = [name for name, value in vars(module).items() if value is wrapped]
        if not names:
            raise LookupError(f"{module.__name__}: scheduled handler {source.name!r} is not a module attribute")
        expression = source.schedule_expression
        schedules.append(Schedule(names[0], expression if isinstance(expression, str) else expression.to_string()))
    return schedules


def _streams(module: Any) -> list[Stream]:
    streams = []
    for attribute, table in sorted(getattr(module, "STREAMS", {}).items()):
        if not callable(getattr(module, attribute, None)):
            raise LookupError(f"{module.__name__}: stream handler {attribute!r} is not a module function")
        streams.append(Stream(attribute, table))
    return streams


def _subscriptions(module: Any) -> list[LogSubscription]:
    found = []
    for attribute, pattern in sorted(getattr(module, "LOG_SUBSCRIPTIONS", {}).items()):
        if not callable(getattr(module, attribute, None)):
            raise LookupError(f"{module.__name__}: log subscription handler {attribute!r} is not a module function")
        found.append(LogSubscription(attribute, pattern))
    return found


def describe(name: str, app: Any, module: Any, routes: list[Any]) -> Function:
    """A function's Lambdas: one for its API app if it has routes, one per schedule, one per stream handler."""
    schedules = _schedules(app, module) if app is not None else []
    binary_types = sorted(getattr(app.api, "binary_types", [])) if app is not None else []
    function = Function(name=name, routes=routes, binary_types=binary_types)
    entries: list[tuple[str, Schedule | None, Stream | None, LogSubscription | None]] = (
        ([(API_UNIT, None, None, None)] if routes else []) + [(s.attribute, s, None, None) for s in schedules]
        + [(s.attribute, None, s, None) for s in _streams(module)]
        + [(s.attribute, None, None, s) for s in _subscriptions(module)])
    for attribute, schedule, stream, subscription in entries:
        short = name if len(entries) == 1 or attribute == API_UNIT else f"{name}-{attribute.replace('_', '-')}"
        function.units.append(Unit(name, short, f"functions.{name}.handler.{attribute}", schedule, stream,
                                   subscription))
    if not function.units:
        raise LookupError(f"functions/{name}: neither routes, schedules nor streams to deploy")
    return function


def discover(names: list[str] | None = None) -> list[Function]:
    """Import each function's handler (filling ROUTES) and describe what it deploys."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from medpool.api.routing import ROUTES

    functions = []
    for name in names if names is not None else function_names():
        module = importlib.import_module(f"functions.{name}.handler")
        # A function's routes are the declared routes its own app serves (not matched by name).
        app = getattr(module, "app", None)
        served = app.routes if app is not None else {}
        routes = [spec for spec in ROUTES if spec.method in served.get(spec.path, {})]
        functions.append(describe(name, app, module, routes))
    return functions
