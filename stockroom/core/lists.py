"""The one base of the HTML list pages: filters from a form bound to the query string, sorting,
paging with one bad-page policy, and the results fragment for htmx requests."""

from collections.abc import Collection

from django.forms import Form
from django.http import HttpRequest
from django.utils.cache import patch_vary_headers
from django.utils.functional import cached_property
from django.views.generic import ListView

PAGE_SIZE = 25


def requested_page(raw: str | None, last_page: int) -> int:
    """The page a list shows for the `page` parameter: never an error page, since the number
    comes from links that may be old (the list shrank) or typed by hand. Past the end shows the
    last page; below 1, or anything that is not a whole number, shows the first."""
    if raw == "last":
        return last_page
    try:
        number = int(raw or 1)
    except ValueError:
        return 1
    return min(max(number, 1), max(last_page, 1))


def sort_headers(request: HttpRequest, orderings: Collection[str], current: str) -> dict[str, dict]:
    """For each sortable column: the URL that sorts by it (toggling direction) and its state."""
    headers = {}
    for field in {ordering.lstrip("-") for ordering in orderings}:
        if current == field:
            following, state = f"-{field}", "ascending"
        elif current == f"-{field}":
            following, state = field, "descending"
        else:
            following, state = field, "none"
        params = request.GET.copy()
        params["sort"] = following if following in orderings else field
        params.pop("page", None)
        headers[field] = {"url": f"{request.path}?{params.urlencode()}", "state": state}
    return headers


class ListPageView(ListView):
    """A paginated list page. Subclasses put the permission mixin in front and name:

    - `filter_form_class` (optional): a form bound to the query string, built with
      `get_filter_form_kwargs()`; invalid input is left to the form's own fallbacks. A form with
      `orderings` and `ordering` (the sort keys it accepts, the one in use) also gets the
      column headers' sort links in the context as `sort_headers`.
    - `partial_template_name` (optional): the results fragment an htmx request gets, so that
      search, sort and paging swap the table in place.
    """

    paginate_by = PAGE_SIZE
    filter_form_class: type[Form] | None = None
    partial_template_name = ""

    def get_filter_form_kwargs(self) -> dict:
        # The active organization, set on the request by the accounts middleware (core names no
        # app, so the attribute is read by name).
        return {"organization": getattr(self.request, "organization")}  # noqa: B009

    @cached_property
    def filter_form(self):
        if self.filter_form_class is None:
            return None
        form = self.filter_form_class(self.request.GET, **self.get_filter_form_kwargs())
        form.is_valid()
        return form

    def paginate_queryset(self, queryset, page_size):
        paginator = self.get_paginator(
            queryset,
            page_size,
            orphans=self.get_paginate_orphans(),
            allow_empty_first_page=self.get_allow_empty(),
        )
        number = requested_page(self.request.GET.get(self.page_kwarg), paginator.num_pages)
        page = paginator.page(number)
        return paginator, page, page.object_list, page.has_other_pages()

    def is_partial_request(self) -> bool:
        # A history restore or a boosted link needs the whole page, not the fragment.
        htmx = getattr(self.request, "htmx", None)
        return bool(
            self.partial_template_name
            and htmx
            and not htmx.boosted
            and not htmx.history_restore_request
        )

    def get_template_names(self):
        if self.is_partial_request():
            return [self.partial_template_name]
        return super().get_template_names()

    def get_context_data(self, **kwargs):
        form = self.filter_form
        if form is not None:
            kwargs.setdefault("filter_form", form)
            if hasattr(form, "orderings"):
                kwargs.setdefault("current_sort", form.ordering)
                kwargs.setdefault(
                    "sort_headers", sort_headers(self.request, form.orderings, form.ordering)
                )
        return super().get_context_data(**kwargs)

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        if self.partial_template_name:
            # The same URL answers with a page or a fragment: caches must tell them apart.
            patch_vary_headers(response, ("HX-Request",))
        return response
