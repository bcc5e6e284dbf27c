"""Building blocks shared by every schema."""

import datetime as dt
from typing import Annotated, Any, Generic, TypeVar

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints, WithJsonSchema

from medpool import clock
from medpool.clock import FIRST_YEAR, LAST_YEAR

T = TypeVar("T")

ID_PATTERN = r"^[A-Za-z0-9_-]{1,64}$"
CODE_PATTERN = r"^[A-Za-z0-9_-]{1,32}$"  # department and category codes
CODE_PATH = {"id": CODE_PATTERN}  # categories, departments, blocks (a department)
Code = Annotated[str, StringConstraints(pattern=CODE_PATTERN)]
AssetTag = Annotated[str, StringConstraints(pattern=ID_PATTERN)]  # a device's id
# One character that is not Unicode white space (what strip_whitespace strips): a required text of only white
# space ("   ", "\u0085") is refused, and the pattern says so in the API document, not only the server.
NOT_BLANK = r"[^\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"


def required_text(max_length: int) -> Any:
    """Text with at least one visible character, white space stripped, at most `max_length` characters."""
    return Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=max_length,
                                            pattern=NOT_BLANK)]


Name = required_text(32)
Text = Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)]
# starts and ends with a digit, so white space around it (which the server strips) is refused by the document too
Phone = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^\+?[0-9][0-9 -]{3,18}[0-9]$")]
EmployeeNo = required_text(32)
Limit = Annotated[int, Field(ge=1, le=100)]


def _integral(value: Any) -> Any:
    return int(value) if isinstance(value, float) and value.is_integer() else value


def integer(low: int, high: int) -> Any:
    """An integer in [low, high]; as JSON Schema's integer, 475.0 is 475 (bodies are strict otherwise)."""
    return Annotated[int, Field(ge=low, le=high), BeforeValidator(_integral)]
# An opaque list cursor as services.pages writes it: base64url payload "." 16-character signature.
CURSOR_PATTERN = r"^[A-Za-z0-9_-]{1,2031}\.[A-Za-z0-9_-]{16}$"
Cursor = Annotated[str, StringConstraints(pattern=CURSOR_PATTERN, max_length=2048)]

# Dates and times a request may carry: ASCII digits, years FIRST_YEAR..LAST_YEAR (as written), a time
# with its UTC offset. The patterns put the bounds in the API document; the validators check the same
# bounds and that the day exists (2026-02-30 is refused), so no later conversion can overflow.
def year_regex(first: int, last: int) -> str:
    """A regex of the years first..last: (20[0-9]{2}|2100) for 2000..2100."""
    parts, year = [], first
    while year <= last:
        step = next(size for size in (100, 10, 1) if year % size == 0 and year + size - 1 <= last)
        parts.append(str(year // step) + {100: "[0-9]{2}", 10: "[0-9]", 1: ""}[step])
        year += step
    return "(" + "|".join(parts) + ")"


_YEAR = year_regex(FIRST_YEAR, LAST_YEAR)
_MONTH_DAY = "(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"
MONTH_PATTERN = rf"^{_YEAR}-(0[1-9]|1[0-2])$"
DAY_PATTERN = rf"^{_YEAR}-{_MONTH_DAY}$"
TIME_PATTERN = (rf"^{_YEAR}-{_MONTH_DAY}T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]"
                r"(\.[0-9]{1,6})?(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])$")


def _in_years(year: int) -> None:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValueError(f"year must be between {FIRST_YEAR} and {LAST_YEAR}")


def _real_month(month: str) -> str:
    _in_years(int(month[:4]))
    return month


def _real_day(day: str) -> str:
    dt.date.fromisoformat(day)  # ValueError for a day that does not exist
    return day


def _real_time(text: str) -> str:
    _in_years(dt.datetime.fromisoformat(text.replace("Z", "+00:00")).year)
    clock.parse_iso(text)  # converts to UTC: cannot overflow within these years
    return text


Month = Annotated[str, StringConstraints(pattern=MONTH_PATTERN), AfterValidator(_real_month)]
def days(first: int = FIRST_YEAR, last: int = LAST_YEAR) -> Any:
    """A calendar day YYYY-MM-DD that exists, in the years first..last."""
    pattern = rf"^{year_regex(first, last)}-{_MONTH_DAY}$"
    return Annotated[str, StringConstraints(pattern=pattern), AfterValidator(_real_day),
                     WithJsonSchema({"type": "string", "format": "date", "pattern": pattern})]


Day = days()
Time = Annotated[str, StringConstraints(pattern=TIME_PATTERN), AfterValidator(_real_time),
                 WithJsonSchema({"type": "string", "format": "date-time", "pattern": TIME_PATTERN})]


def _drop_default(schema: dict) -> None:
    schema.pop("default", None)


def omittable() -> Any:
    """A partial-update field: it may be left out, but never sent as null."""
    return Field(default=None, json_schema_extra=_drop_default)


class Body(BaseModel):
    """A request body: strict JSON types, unknown fields rejected."""

    model_config = ConfigDict(extra="forbid", strict=True, defer_build=True)


class Query(BaseModel):
    """Query parameters (strings converted), unknown parameters rejected."""

    model_config = ConfigDict(extra="forbid", defer_build=True)


class PageQuery(Query):
    limit: Limit = 20
    cursor: Cursor | None = None


class Out(BaseModel):
    model_config = ConfigDict(from_attributes=True, defer_build=True)


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


class PrivacyGuide(Out):
    """用户隐私保护指引 (docs/privacy-guide.md): shown by the mini program at registration and in 个人."""

    version: str
    updated_at: str = Field(description="date of this version (YYYY-MM-DD)")
    summary: str = Field(description="the short notice shown on the registration screen")
    text: str = Field(description="the full guide (Markdown)")


class OpenApiDocument(Out):
    model_config = ConfigDict(extra="allow")

    openapi: str
    info: dict
    paths: dict


def page_out(item: type[Out], page: Any, shape: Any = None) -> PageOut:
    """A service Page as the API's list body, each item shaped by `shape` (default: item.model_validate)."""
    return PageOut[item](items=[(shape or item.model_validate)(x) for x in page.items], next_cursor=page.next_cursor)
