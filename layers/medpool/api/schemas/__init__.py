"""Request and response schemas: they validate requests and generate the OpenAPI document. Models are built
on first use (defer_build), and the modules do without `from __future__ import annotations`, which would
make pydantic evaluate every field's annotation from its text at import (both cold-start costs)."""
