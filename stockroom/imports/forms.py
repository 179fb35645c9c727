"""Upload and export request forms."""

import os

from django import forms
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from stockroom.accounts.roles import Action
from stockroom.core.forms import DayField

from .models import ExportKind, FileFormat, ImportKind
from .parsers import looks_like

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
IMPORT_ACTIONS = {
    ImportKind.PRODUCTS: Action.MANAGE_CATALOG,
    ImportKind.OPENING_STOCK: Action.POST_MOVEMENTS,
}


def allowed_import_kinds(membership) -> list[str]:
    """The import kinds the member's role may run."""
    if membership is None:
        return []
    return [kind for kind, action in IMPORT_ACTIONS.items() if membership.can(action)]


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("What to import"), choices=ImportKind.choices)
    file = forms.FileField(
        label=gettext_lazy("File"),
        help_text=gettext_lazy(
            "CSV (UTF-8) or Excel .xlsx, at most 10 MB. First row: column names."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )

    def __init__(self, *args, membership=None, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = allowed_import_kinds(membership)
        self.fields["kind"].choices = [
            (value, label) for value, label in ImportKind.choices if value in allowed
        ]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        extension = os.path.splitext(upload.name)[1].lower().lstrip(".")
        if extension not in FileFormat.values:
            raise forms.ValidationError(
                _("Upload a .csv or .xlsx file (this one is “%(name)s”).") % {"name": upload.name},
                code="extension",
            )
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(limit)s. Split it, or save it as .xlsx (smaller).")
                % {"limit": filesizeformat(MAX_UPLOAD_BYTES)},
                code="too_large",
            )
        head = upload.read(4096)
        upload.seek(0)
        if not head:
            raise forms.ValidationError(_("The file is empty."), code="empty")
        if not looks_like(head, extension):
            if extension == FileFormat.XLSX:
                message = _("This is not an Excel .xlsx workbook. Save it as .xlsx or as CSV.")
            else:
                message = _(
                    "This is not a CSV text file (it looks binary or UTF-16). "
                    "Save it as “CSV UTF-8”."
                )
            raise forms.ValidationError(message, code="content")
        return upload


class ExportForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("What to export"), choices=ExportKind.choices)
    format = forms.ChoiceField(
        label=gettext_lazy("Format"), choices=FileFormat.choices, initial=FileFormat.CSV
    )
    # Days, not dates: each becomes the instants where it starts and ends in the organization's
    # time zone, which the calendar's first and last days overflow.
    date_from = DayField(
        label=gettext_lazy("Movements from"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=gettext_lazy("Only for stock movements; both dates are included."),
    )
    date_to = DayField(
        label=gettext_lazy("Movements to"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date is before the start date."))
        return cleaned
