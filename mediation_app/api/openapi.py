"""Completing the generated OpenAPI document: every operation documents the errors it can
answer with (the JSON ErrorOut of errors.py), and path ids their range."""

from __future__ import annotations

from ..requestguard import MAX_ID

ERROR = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}}
DESCRIPTIONS = {
    "400": "Malformed request (NUL characters, JSON nested too deeply, unreadable JSON)",
    "401": "Missing, unknown or revoked bearer token",
    "403": "The token's user may not do this",
    "404": "No such resource, or not visible to the token's user",
    "409": "Conflicts with the resource's current state (or a newer version of it)",
    "422": "The body does not validate; the error names each field",
    "429": "Too many requests",
}


def _errors_for(method: str, operation: dict, path: str) -> list[str]:
    codes = ["400", "403", "429"]
    if operation.get("security"):
        codes.append("401")
    if "{" in path:
        codes.append("404")
    if method in ("post", "put", "patch", "delete"):
        codes.append("409")
    if "requestBody" in operation or method in ("post", "put", "patch"):
        codes.append("422")
    return codes


def complete(document: dict) -> dict:
    """Add the error responses each operation may give, and bound integer path ids."""
    for path, operations in document.get("paths", {}).items():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            for code in _errors_for(method, operation, path):
                response = responses.setdefault(code, dict(ERROR))
                response.setdefault("description", DESCRIPTIONS[code])
                response.setdefault("content", ERROR["content"])
            for response in responses.values():
                response.setdefault("description", "")
            for parameter in operation.get("parameters", []):
                schema = parameter.get("schema", {})
                if parameter.get("in") == "path" and schema.get("type") == "integer":
                    schema.setdefault("minimum", 0)
                    schema.setdefault("maximum", MAX_ID)
    return document
