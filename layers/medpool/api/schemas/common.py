"""Building blocks shared by every schema."""
from __future__ import annotations

from typing import Annotated, Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

T = TypeVar("T")

ID_PATTERN = r"^[A-Za-z0-9_-]{1,64}$"
Code = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,32}$")]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=32)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)]
Phone = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^\+?[0-9][0-9 -]{4,19}$")]
EmployeeNo = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=32)]
Limit = Annotated[int, Field(ge=1, le=100)]


def _drop_default(schema: dict) -> None:
    schema.pop("default", None)


def omittable() -> Any:
    """A partial-update field: it may be left out, but never sent as null."""
    return Field(default=None, json_schema_extra=_drop_default)


class Body(BaseModel):
    """A request body: strict JSON types, unknown fields rejected."""

    model_config = ConfigDict(extra="forbid", strict=True)


class Query(BaseModel):
    """Query parameters (strings converted), unknown parameters rejected."""

    model_config = ConfigDict(extra="forbid")


class PageQuery(Query):
    limit: Limit = 20
    cursor: str | None = Field(default=None, max_length=2048)


class Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class PageOut(Out, Generic[T]):
    items: list[T]
    next_cursor: str | None


class ErrorDetail(Out):
    code: str
    message: str
    details: list[dict] | dict | None = None


class ErrorOut(Out):
    error: ErrorDetail


class Health(Out):
    status: str
    stage: str
    time: str


class OpenApiDocument(Out):
    model_config = ConfigDict(extra="allow")

    openapi: str
    info: dict
    paths: dict


def page_out(item: type[Out], page: Any, shape: Any = None) -> PageOut:
    """A service Page as the API's list body, each item shaped by `shape` (default: item.model_validate)."""
    return PageOut[item](items=[(shape or item.model_validate)(x) for x in page.items], next_cursor=page.next_cursor)
