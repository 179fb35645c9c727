"""Database ids read from request data (forms, query strings)."""

# Primary keys are 64-bit signed integers; a larger number overflows SQLite's parameters.
MAX_ID = 2**63 - 1


def parse_id(value: str | None) -> int | None:
    """The id `value` spells in ASCII digits, or None. `str.isdigit()` alone accepts "²" and
    other Unicode digits that int() then refuses."""
    if not value or not value.isascii() or not value.isdigit():
        return None
    number = int(value)
    return number if 0 < number <= MAX_ID else None
