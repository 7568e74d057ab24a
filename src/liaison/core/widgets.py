"""Form widgets drawn from the templates under templates/widgets/ through the project's
engine (its cached loader), without Django's form renderer. Django's select draws each
<option> through includes of its own, about a tenth of a millisecond apiece: a case page
holds several country lists of 249 options and the case list a dozen filters on every
request. So what a form draws again and again is drawn from its template once and kept:
each option (per value, label and state), each set of attributes, each empty input and
each select (per options drawn). An input holding a value is drawn each time: what
someone typed is never kept."""

import copy
import functools
from typing import TYPE_CHECKING

from django import forms
from django.template.loader import get_template
from django.utils.functional import Promise
from django.utils.safestring import SafeString, mark_safe

if TYPE_CHECKING:  # the mixins are only ever mixed into these
    _SelectBase = forms.Select
    _WidgetBase = forms.Widget
else:
    _SelectBase = _WidgetBase = object


def _draw(template_name: str, context: dict) -> SafeString:
    # A template's output is escaped already: marked, it says so to the type checker too.
    return mark_safe(get_template(template_name).render(context))  # nosec B308, B703 # a template's output, escaped already


@functools.lru_cache(maxsize=8192, typed=True)  # typed: a SafeString label is not escaped
def _option(value: str, label: str, selected: bool) -> SafeString:
    # The same 249 countries are offered on every case page and list. A label comes as
    # text in the active language (a lazy one made str), so each language has its own.
    return _draw("widgets/option.html", {"value": value, "label": label, "selected": selected})


def _attributes(attrs: dict) -> SafeString:
    """The attributes as widgets/attrs.html draws them. Kept per set: they come from the
    form's definition (class, id, maxlength, required, aria-describedby …), never from what
    someone typed, so a process sees few sets."""
    items = tuple(
        # The type is part of the key: True == 1, but one is drawn bare and one as "1". A
        # lazy text is keyed as the text of the active language.
        (name, type(value), str(value) if isinstance(value, Promise) else value)
        for name, value in attrs.items()
    )
    try:
        return _kept_attributes(items)
    except TypeError:  # an unhashable value (a list): drawn each time
        return _draw("widgets/attrs.html", {"attrs": attrs})


@functools.lru_cache(maxsize=4096)
def _kept_attributes(items: tuple) -> SafeString:
    return _draw("widgets/attrs.html", {"attrs": {name: value for name, _type, value in items}})


@functools.lru_cache(maxsize=4096)
def _kept_empty(template_name: str, widget: tuple, attributes: SafeString) -> SafeString:
    return _draw(template_name, {"widget": dict(widget), "attributes": attributes})


# A country list is some 15 kB: a few hundred of them at most.
@functools.lru_cache(maxsize=256)
def _kept_select(name: str, attributes: SafeString, groups: tuple) -> SafeString:
    drawn = [
        # Each option is its template's output, already escaped: joined, they stay safe.
        (label, mark_safe("".join(options)))  # nosec B308, B703 # options rendered by their template, escaped already
        for label, options in groups
    ]
    return _draw("widgets/select.html", {"name": name, "attributes": attributes, "groups": drawn})


class FastSelectMixin(_SelectBase):
    """Renders as Django's select would: options carry only their value, `selected` and
    label, and a single select marks only its first match."""

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        attrs = self.build_attrs(self.attrs, attrs)
        if self.allow_multiple_selected:
            attrs["multiple"] = True
        # The options are the kept strings of _option: the key hashes quickly.
        return _kept_select(name, _attributes(attrs), self._groups(value))

    def _groups(self, value) -> tuple[tuple[str | None, tuple[SafeString, ...]], ...]:
        """(optgroup label, its options drawn) in order; options outside any group are
        gathered under None, so the template loops over groups, not over options."""
        chosen = set(self.format_value(value))
        groups: list[tuple[str | None, list[SafeString]]] = []
        has_selected = False
        for group_value, group_label in self.choices:
            grouped = isinstance(group_label, list | tuple)
            if grouped or not groups or groups[-1][0] is not None:
                groups.append((str(group_value) if grouped else None, []))
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
                groups[-1][1].append(_option(text, text_label, selected))
        return tuple((label, tuple(options)) for label, options in groups)


class FastSelect(FastSelectMixin, forms.Select):
    pass


class FastSelectMultiple(FastSelectMixin, forms.SelectMultiple):
    pass


class FastInputMixin(_WidgetBase):
    """Renders as Django's input.html would, from the widget's own context (so a date's
    format, a checkbox's `checked` and a password's hidden value are the widget's)."""

    fast_template = "widgets/input.html"

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        attributes = _attributes(widget["attrs"])
        if widget["value"] in (None, ""):
            drawn = (("type", widget.get("type")), ("name", name), ("value", widget["value"]))
            return _kept_empty(self.fast_template, drawn, attributes)
        return _draw(self.fast_template, {"widget": widget, "attributes": attributes})


class FastTextareaMixin(FastInputMixin):
    fast_template = "widgets/textarea.html"


def _twin(widget_class: type[forms.Widget], mixin: type) -> type[forms.Widget]:
    # Named as the original: templates tell widgets apart by BoundField.widget_type,
    # which is the class's name ("checkbox", "textarea" …).
    return type(widget_class.__name__, (mixin, widget_class), {"__module__": __name__})


FAST: dict[type[forms.Widget], type[forms.Widget]] = {
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
    """The same widget, drawn from our templates; widgets without a fast twin are left as
    they are. A copy keeps every setting of the original (choices, format, check test …)."""
    fast_class = FAST.get(type(widget))
    if fast_class is None:
        return widget
    fast = copy.copy(widget)
    fast.__class__ = fast_class
    return fast
