"""The purpose fields of the forms that open or export personal data (core.purpose)."""

from django import template

from ..purpose import purpose_form

register = template.Library()


@register.inclusion_tag("core/purpose_fields.html", takes_context=True)
def purpose_fields(context, form=None, prefix="purpose"):
    """The purpose and its words, with the session's last purpose chosen, or `form` as
    submitted with its errors. `prefix` keeps the ids apart when a page has several."""
    form = form or purpose_form(context["request"])
    form.auto_id = f"id_{prefix}_%s"
    return {"form": form}
