"""The HTTP adapter: routes declared once (access, schemas, operationId), errors mapped in one place."""
