"""Template helpers of the order pages. `qty` is the shared quantity filter of
core/templatetags/formatting.py, registered here too so order templates loading only this
library format quantities the same way as every other page."""

from django import template

from stockroom.core.templatetags.formatting import qty

register = template.Library()
register.filter("qty", qty)
