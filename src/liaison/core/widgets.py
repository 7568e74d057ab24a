"""Select lists rendered in Python. Django renders each <option> through a template include,
about a tenth of a millisecond apiece; a case page holds several country lists of 249
options, which made option rendering the largest cost of the page. Options are written
straight from the choices, without the per-option dictionaries of Django's context."""

from django import forms
from django.forms.utils import flatatt
from django.utils.html import conditional_escape, escape, format_html
from django.utils.safestring import mark_safe


class FastSelectMixin:
    """Renders as Django's select.html and option.html would: options carry only their
    value, `selected` and label, and a single select marks only its first match."""

    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, attrs)
        if self.allow_multiple_selected:
            attrs["multiple"] = True
        chosen = set(self.format_value(value))
        parts = [format_html('<select name="{}"{}>', name, flatatt(attrs))]
        has_selected = False
        for group_value, group_label in self.choices:
            grouped = isinstance(group_label, list | tuple)
            if grouped:
                parts.append(format_html('<optgroup label="{}">', group_value))
            options = (
                group_label
                if grouped
                else [("" if group_value is None else group_value, group_label)]
            )
            for option_value, label in options:
                text = str(option_value)
                selected = text in chosen and (self.allow_multiple_selected or not has_selected)
                has_selected |= selected
                parts.append(
                    f'<option value="{escape(text)}"{" selected" if selected else ""}>'
                    f"{conditional_escape(label)}</option>"
                )
            if grouped:
                parts.append("</optgroup>")
        parts.append("</select>")
        return mark_safe("".join(parts))


class FastSelect(FastSelectMixin, forms.Select):
    pass


class FastSelectMultiple(FastSelectMixin, forms.SelectMultiple):
    pass


FAST = {forms.Select: FastSelect, forms.SelectMultiple: FastSelectMultiple}


def faster(widget: forms.Widget) -> forms.Widget:
    """The same select list with Python-rendered options; other widgets unchanged."""
    fast_class = FAST.get(type(widget))
    if fast_class is None:
        return widget
    fast = fast_class(attrs=widget.attrs)
    fast.choices = widget.choices
    fast.is_required = widget.is_required
    fast.is_localized = widget.is_localized
    return fast
