"""Paginators shared by the list pages."""

from django.core.paginator import EmptyPage, Page, Paginator
from django.utils.functional import cached_property


class _CappedPage(Page):
    def end_index(self) -> int:
        # Django's last page ends at the count, which past the cap is one row too many.
        return self.start_index() + len(self) - 1 if len(self) else 0


class CappedCountPaginator(Paginator):
    """Counts at most COUNT_CAP rows: COUNT(*) over a million-row ledger or a 100,000-product
    catalog costs more than the page itself. Past the cap the page says "more than" and offers
    pages up to the cap; the filters narrow a list that long better than paging does."""

    COUNT_CAP = 10_000

    @cached_property
    def count(self) -> int:
        # Without the ORDER BY the database neither sorts the capped rows nor keeps a join
        # that serves only the order.
        return self.object_list.order_by()[: self.COUNT_CAP + 1].count()

    @property
    def capped(self) -> bool:
        return self.count > self.COUNT_CAP

    @cached_property
    def num_pages(self) -> int:
        pages = super().num_pages
        return min(pages, -(-self.COUNT_CAP // self.per_page)) if self.capped else pages

    def _get_page(self, *args, **kwargs) -> Page:
        return _CappedPage(*args, **kwargs)

    def validate_number(self, number):
        # A page that exists but lies past the cap (an old link) shows the last page offered.
        try:
            return super().validate_number(number)
        except EmptyPage:
            if self.capped and int(number) > self.num_pages:
                return self.num_pages
            raise
