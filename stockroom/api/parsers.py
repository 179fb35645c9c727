"""The API's JSON parser: DRF's, refusing documents nested deeper than any endpoint reads.

Python's decoder recurses once per level: about a thousand nested `[` exhaust the stack and the
RecursionError became a 500 with a traceback, before any serializer saw the data. No Stockroom
body nests more than a few levels (an order, its lines, a line's field errors), so the depth is
checked on the raw text first and a deeper document is a 400 naming the limit.
"""

import codecs
import re
from itertools import accumulate

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser, get_encoding
from rest_framework.utils import json

from django.utils.translation import gettext as _

MAX_JSON_DEPTH = 32

# A JSON string literal: its brackets are text, not structure. The body decodes as a whole
# before this runs, so an unterminated string cannot occur in a document that then parses.
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_A_BRACKET = re.compile(r"[^\[\]{}]+")
_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


def json_depth(text: str) -> int:
    """How deeply the arrays and objects of the JSON `text` nest (0 for a scalar)."""
    brackets = _NOT_A_BRACKET.sub("", _STRING.sub("", text))
    return max(accumulate(_STEP[bracket] for bracket in brackets), default=0)


class BoundedJSONParser(JSONParser):
    """DRF's JSONParser with a nesting limit. The size limit is Django's
    DATA_UPLOAD_MAX_MEMORY_SIZE, enforced when DRF reads the body (a 413 in the error handler)."""

    max_depth = MAX_JSON_DEPTH

    def parse(self, stream, media_type=None, parser_context=None):
        encoding = get_encoding(parser_context or {})
        try:
            text = codecs.getreader(encoding)(stream).read()
        except UnicodeDecodeError:
            raise ParseError(
                _("The body is not valid %(encoding)s.") % {"encoding": encoding}
            ) from None
        if json_depth(text) > self.max_depth:
            raise ParseError(
                _("The JSON body nests deeper than %(depth)s levels.") % {"depth": self.max_depth}
            )
        try:
            parse_constant = json.strict_constant if self.strict else None
            return json.loads(text, parse_constant=parse_constant)
        except (ValueError, RecursionError) as exc:
            raise ParseError(_("JSON parse error - %(error)s") % {"error": exc}) from None
