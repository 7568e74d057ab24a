"""Form widgets rendered in Python. Django renders each widget through its form
renderer's templates (and each <option> through an include), about a tenth of a
millisecond apiece: a case page holds several country lists of 249 options and the case
list a dozen filters on every request. These write the same markup straight from the
widget's context."""

import copy
import functools

from django import forms
from django.forms.utils import flatatt
from django.utils.html import conditional_escape, escape, format_html
from django.utils.safestring import mark_safe


@functools.lru_cache(maxsize=8192, typed=True)  # typed: a SafeString label is not escaped
def _option(value: str, label: str, selected: bool) -> str:
    # Kept: the same 249 countries are offered on every case page and list. A label comes
    # as text in the active language (a lazy one made str), so each language has its own.
    return (
        f'<option value="{escape(value)}"{" selected" if selected else ""}>'
        f"{conditional_escape(label)}</option>"
    )


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
                text_label = label if isinstance(label, str) else str(label)
                parts.append(_option(text, text_label, selected))
            if grouped:
                parts.append("</optgroup>")
        parts.append("</select>")
        return mark_safe("".join(parts))


class FastSelect(FastSelectMixin, forms.Select):
    pass


class FastSelectMultiple(FastSelectMixin, forms.SelectMultiple):
    pass


def _attrs(attrs: dict) -> str:
    """As django/forms/widgets/attrs.html: in order, `True` bare, `False` left out."""
    return "".join(
        f" {name}" if value is True else f' {name}="{escape(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


class FastInputMixin:
    """Renders as Django's input.html would, from the widget's own context (so a date's
    format, a checkbox's `checked` and a password's hidden value are the widget's)."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        shown = "" if widget["value"] is None else f' value="{escape(widget["value"])}"'
        return mark_safe(
            f'<input type="{widget["type"]}" name="{escape(name)}"{shown}{_attrs(widget["attrs"])}>'
        )


class FastTextareaMixin:
    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        text = escape(widget["value"]) if widget["value"] else ""
        return mark_safe(
            f'<textarea name="{escape(name)}"{_attrs(widget["attrs"])}>\n{text}</textarea>'
        )


def _twin(widget_class, mixin):
    # Named as the original: templates tell widgets apart by BoundField.widget_type,
    # which is the class's name ("checkbox", "textarea" …).
    return type(widget_class.__name__, (mixin, widget_class), {"__module__": __name__})


FAST = {
    forms.Select: FastSelect,
    forms.SelectMultiple: FastSelectMultiple,
    forms.Textarea: _twin(forms.Textarea, FastTextareaMixin),
    **{
        cls: _twin(cls, FastInputMixin)
        for cls in (
            forms.TextInput,
            forms.NumberInput,
            forms.EmailInput,
            forms.URLInput,
            forms.DateInput,
            forms.DateTimeInput,
            forms.TimeInput,
            forms.CheckboxInput,
            forms.HiddenInput,
        )
    },
}


def faster(widget: forms.Widget) -> forms.Widget:
    """The same widget, drawn in Python; widgets without a fast twin are left as they are.
    A copy keeps every setting of the original (choices, format, check test …)."""
    fast_class = FAST.get(type(widget))
    if fast_class is None:
        return widget
    fast = copy.copy(widget)
    fast.__class__ = fast_class
    return fast
