"""The one domain error type services raise; the API handler and the form mixin render it."""


class ApplicationError(Exception):
    """A refusal by the domain: a constant, user-readable message and a machine code.

    `field` names the input the message is about, when there is one, so forms and the API
    can attach it to that field.
    """

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
