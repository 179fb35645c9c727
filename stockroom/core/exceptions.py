"""The domain errors services raise; the API handler and the form mixin render them.

The class says what kind of refusal it is, and so which HTTP status the API answers with:
- ApplicationError: the input is refused (400);
- ConflictError: the state of the data refuses the change, whatever the input (409): a sent
  order edited, a bin with stock deleted, an idempotency key reused for something else;
- PermissionRefused: the actor may not do this (403); NotFoundError: it names nothing (404).

`extra` keys mean one thing everywhere: `index` is the position of an input line in what the
caller sent; `line_id` is the primary key of a stored document line.
"""


class ApplicationError(Exception):
    """A refusal by the domain: a constant, user-readable message and a machine code.

    `field` names the input the message is about, when there is one, so forms and the API
    can attach it to that field.
    """

    status_code = 400

    def __init__(
        self,
        message: str,
        *,
        code: str = "invalid",
        field: str | None = None,
        extra: dict | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.field = field
        self.extra = extra or {}

    def __str__(self) -> str:
        return str(self.message)


class ConflictError(ApplicationError):
    """The data's current state refuses the change: the same request fails until it changes."""

    status_code = 409


class PermissionRefused(ApplicationError):
    status_code = 403


class NotFoundError(ApplicationError):
    status_code = 404


def error_body(code: str, message: str, fields: dict | None = None) -> dict:
    """The API's one error shape, also used where core answers an API path itself."""
    return {"error": {"code": code, "message": str(message), "fields": fields or {}}}
