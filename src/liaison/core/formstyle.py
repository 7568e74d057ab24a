"""How every form looks: Bootstrap's classes on each widget, errors on their field."""

from __future__ import annotations

from typing import TypeVar

from django import forms

from .widgets import faster

AnyForm = TypeVar("AnyForm", bound=forms.BaseForm)


def bootstrapify(form: AnyForm) -> AnyForm:
    """Adds Bootstrap's classes so every form looks the same, with errors on their field.
    Safe to call again once the form is validated: classes are never doubled."""
    for name, field in form.fields.items():
        field.widget = widget = faster(field.widget)
        if isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
            # Django puts a list's class on its container and on every option alike, which
            # no Bootstrap class suits; the list is styled in liaison.css instead.
            continue
        base = (
            "form-check-input"
            if isinstance(widget, forms.CheckboxInput)
            else ("form-select" if isinstance(widget, forms.Select) else "form-control")
        )
        wanted = [base]
        if getattr(form, "compact", False) and base != "form-check-input":
            wanted.append(f"{base}-sm")
        if form.is_bound and name in form.errors:
            wanted.append("is-invalid")
        classes = widget.attrs.get("class", "").split()
        widget.attrs["class"] = " ".join(classes + [c for c in wanted if c not in classes])
    return form
