"""A text field the server strips and requires is refused when it is only white space, and the API document
says so (found by `make fuzz`: `"reason": "\u0085"` was schema-valid yet answered 400)."""
from typing import Annotated

import jsonschema
import pytest
from pydantic import TypeAdapter, ValidationError

import app  # noqa: F401 - registers every route
from medpool.api.openapi import build_document
from medpool.api.routing import ROUTES

WHITE_SPACE = [chr(cp) for cp in range(0x3001) if chr(cp).isspace()] + ["\ufeff"]
DOCUMENT = build_document()
FIELDS = sorted({(spec.body.__name__, name, spec.body) for spec in ROUTES if spec.body
                 for name in spec.body.model_fields}, key=lambda row: row[:2])


def _server_accepts(model, name: str, value: str) -> bool:
    field = model.model_fields[name]
    try:
        kind = Annotated[field.annotation, *field.metadata] if field.metadata else field.annotation
        TypeAdapter(kind).validate_python(value)
        return True
    except ValidationError:
        return False


def _document_accepts(model, name: str, value: str) -> bool | None:
    schema = DOCUMENT["components"]["schemas"][model.__name__]["properties"][name]
    try:
        jsonschema.validate(value, {**schema, "components": DOCUMENT["components"]})
        return True
    except jsonschema.ValidationError:
        return False
    except jsonschema.exceptions.RefResolutionError:
        return None


@pytest.mark.parametrize(("model_name", "name", "model"), FIELDS, ids=[f"{m}.{n}" for m, n, _ in FIELDS])
def test_white_space_only_text_is_accepted_by_the_document_exactly_when_the_server_accepts_it(model_name, name, model):
    for value in [" ", "\u0085", "\u3000\u00a0", "\t\r\n", *WHITE_SPACE]:
        document = _document_accepts(model, name, value)
        if document is not None:
            assert document == _server_accepts(model, name, value), (model_name, name, repr(value))


@pytest.mark.parametrize(("model_name", "name", "model"), FIELDS, ids=[f"{m}.{n}" for m, n, _ in FIELDS])
def test_white_space_around_a_value_is_refused_by_the_document_whenever_the_server_refuses_it(model_name, name, model):
    """Found by `make fuzz` at 50 examples: `"phone": "5336 "` matched the document's pattern, but the server strips
    it to "5336", which is too short. Whatever the server refuses, the document must refuse too."""
    for value in ["5336 ", " 5336", "13900000000 ", "+86 139-0000-0000\t", "a ", " VENT-001"]:
        document = _document_accepts(model, name, value)
        if document and not _server_accepts(model, name, value):
            pytest.fail(f"{model_name}.{name}: the document accepts {value!r}, the server refuses it")


def test_required_text_keeps_text_with_white_space_around_it():
    from medpool.api.schemas.loans import RejectLoanBody

    assert RejectLoanBody.model_validate({"reason": "\u3000 设备已全部借出\u0085"}).reason == "设备已全部借出"
    with pytest.raises(ValidationError):
        RejectLoanBody.model_validate({"reason": "\u0085\u3000"})
