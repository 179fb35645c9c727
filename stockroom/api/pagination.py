"""Page-number pages for catalog lists, cursor pages for the ever-growing stock ledger."""

from rest_framework.pagination import CursorPagination, PageNumberPagination

MAX_PAGE_SIZE = 100


class StandardPagination(PageNumberPagination):
    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE


class LedgerCursorPagination(CursorPagination):
    """Stable under concurrent inserts: a new movement never shifts the page a client reads."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    ordering = ("-occurred_at", "-id")
