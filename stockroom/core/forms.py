"""Form fields shared by the apps' forms."""

from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator

from .ids import parse_id

# A filter's day becomes the instants where it starts and ends in the organization's time zone;
# for the first and last days of the calendar those fall outside datetime's years 1 to 9999 in
# some zones (an OverflowError, a 500). One day in from each end leaves room for any offset.
EARLIEST_DAY = date(1, 1, 2)
LATEST_DAY = date(9999, 12, 30)


class DayField(forms.DateField):
    """A date that a filter can turn into a range of instants: a form error past the edges."""

    default_validators = [MinValueValidator(EARLIEST_DAY), MaxValueValidator(LATEST_DAY)]


class ModelIdsField(forms.ModelMultipleChoiceField):
    """Rows chosen by id (hidden inputs, links). A value no row can have as its id, such as a
    number past 64 bits, is the field's error: Django's `pk__in` query overflowed on SQLite."""

    def clean(self, value):
        for pk in value if isinstance(value, list | tuple) else ():
            if parse_id(str(pk)) is None:
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super().clean(value)
