"""Paginators shared by the list pages."""

from django.contrib.postgres.expressions import ArraySubquery
from django.core.paginator import EmptyPage, Page, Paginator
from django.db import connections
from django.db.models import BooleanField, F, Func, QuerySet
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
        queryset: QuerySet = self.object_list  # type: ignore[assignment]  # always a queryset here
        return queryset.order_by()[: self.COUNT_CAP + 1].count()

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


class DeferredJoinPaginator(CappedCountPaginator):
    """For lists whose rows join several tables: a deep page finds its rows' primary keys first
    (a walk of the index that orders the list, joining nothing), then loads only those rows with
    their joins. Still one query, the keys being a subquery. With a plain OFFSET the database
    joins every skipped row too: 10,000 of them on the last page of the ledger."""

    # Shallower pages skip too few rows for the subquery to pay.
    DEFER_AFTER = 1_000

    def page(self, number) -> Page:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        rows = self.object_list[bottom:top]
        if bottom >= self.DEFER_AFTER and isinstance(self.object_list, QuerySet):
            rows = _rows_with_keys(self.object_list, self.object_list.values("pk")[bottom:top])
        return self._get_page(rows, number, self)


class _EqualsAny(Func):
    """`expression = ANY(array)` as a condition for filter()."""

    arg_joiner = " = ANY("
    template = "%(expressions)s)"
    output_field = BooleanField()
    conditional = True


def _rows_with_keys(queryset: QuerySet, keys: QuerySet) -> QuerySet:
    """The rows of `queryset` whose primary key `keys` (a subquery) returns, in its order.

    On PostgreSQL as `id = ANY(ARRAY(keys))`: the planner reads the keys first and looks the
    rows up by primary key. As a semi-join (`IN`) next to eight joined tables (past its join
    collapse limit) it joined all the ledger's million rows before matching them to the keys.
    """
    if connections[queryset.db].vendor == "postgresql":
        return queryset.filter(_EqualsAny(F("pk"), ArraySubquery(keys)))
    return queryset.filter(pk__in=keys)
