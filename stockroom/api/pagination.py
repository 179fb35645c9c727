"""Page-number pages for catalog lists, cursor pages for the ever-growing stock ledger."""

from rest_framework.pagination import CursorPagination, PageNumberPagination
from rest_framework.response import Response

from django.core.paginator import EmptyPage, Page, PageNotAnInteger

from stockroom.core.pagination import CappedCountPaginator

MAX_PAGE_SIZE = 100
COUNT_CAP = 1000
# OFFSET is a signed 64-bit integer in PostgreSQL and SQLite: a page beyond it has no rows.
MAX_ROW_OFFSET = 2**63 - 1


class StandardPagination(PageNumberPagination):
    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE


class _OpenEndedPage(Page):
    """A page of a list whose end is unknown: it has a next page if one more row was found."""

    def __init__(self, object_list, number, paginator, *, has_more: bool):
        super().__init__(object_list, number, paginator)
        self.has_more = has_more

    def has_next(self) -> bool:
        return self.has_more

    def end_index(self) -> int:
        return self.start_index() + len(self.object_list) - 1


class OpenEndedPaginator(CappedCountPaginator):
    """Counts at most COUNT_CAP rows, like the list pages, but an API client must be able to
    read every row: any page number is valid as long as the page has rows. The page is read
    first (one row more than it shows); a page that is the last one tells the count itself,
    so a search with few matches costs one query, not a count and a page."""

    COUNT_CAP = COUNT_CAP

    def exact_num_pages(self) -> int:
        """The real number of pages, counting every row: only for an explicit `page=last`."""
        if not self.capped:
            return self.num_pages
        return max(1, -(-self.object_list.order_by().count() // self.per_page))

    def validate_number(self, number):
        # Whether the page exists is known once its rows are read, not from a count.
        try:
            if isinstance(number, float) and not number.is_integer():
                raise ValueError
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from None
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        if number * self.per_page + 1 > MAX_ROW_OFFSET:
            # The database would refuse the OFFSET (a 500); no list holds that many rows.
            raise EmptyPage(self.error_messages["no_results"])
        return number

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        rows = list(self.object_list[bottom : bottom + self.per_page + 1])
        if not rows and number > 1:
            raise EmptyPage(self.error_messages["no_results"])
        has_more = len(rows) > self.per_page
        if not has_more:
            self.count = bottom + len(rows)  # the last page: no count query
        return _OpenEndedPage(rows[: self.per_page], number, self, has_more=has_more)


class CappedCountPagination(StandardPagination):
    """Page numbers over lists that reach 100,000 rows: counting them all cost more than the
    page itself. `count` is exact up to COUNT_CAP; past it `count` is COUNT_CAP,
    `count_capped` is true, and `next` still leads page by page to the end. A page past the
    last is a 404, as with StandardPagination."""

    django_paginator_class = OpenEndedPaginator

    def get_page_number(self, request, paginator):
        page_number = request.query_params.get(self.page_query_param) or 1
        if page_number in self.last_page_strings:
            return paginator.exact_num_pages()
        return page_number

    def get_paginated_response(self, data):
        paginator = self.page.paginator
        return Response(
            {
                "count": min(paginator.count, paginator.COUNT_CAP),
                "count_capped": paginator.capped,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        response = super().get_paginated_response_schema(schema)
        response["required"] = ["count", "count_capped", "results"]
        response["properties"]["count"]["description"] = (
            f"Matching rows, counted up to {COUNT_CAP:,}."
        )
        response["properties"]["count_capped"] = {
            "type": "boolean",
            "description": f"More than {COUNT_CAP:,} rows match: `count` stops at "
            f"{COUNT_CAP:,}; follow `next` to the last page.",
            "example": False,
        }
        # Keep the documented key order of the response.
        properties = response["properties"]
        response["properties"] = {
            key: properties[key] for key in ("count", "count_capped", "next", "previous", "results")
        }
        return response


class LedgerCursorPagination(CursorPagination):
    """Stable under concurrent inserts: a new movement never shifts the page a client reads."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    ordering = ("-occurred_at", "-id")
