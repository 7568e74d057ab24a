"""Templates: comments written with {# … #} end on their line (one spanning lines is
printed to the reader as text), permissions are asked for by name, and every template is
parsed once per process."""

from pathlib import Path

from django.template import engines
from django.template.loaders.cached import Loader

import liaison

ROOT = Path(liaison.__file__).parent


def test_no_template_has_a_one_line_comment_that_spans_lines():
    broken = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in ROOT.rglob("*.html")
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if line.count("{#") > line.count("#}")
    ]
    assert broken == []


def test_a_template_asks_for_a_permission_by_name(personas):
    from django.contrib.auth.models import AnonymousUser
    from django.template import Context, Template

    from liaison.core.context_processors import PermissionsOf

    template = Template(
        "{% if officer.VIEW_AGREEMENTS %}agreements {% endif %}"
        "{% if officer.MANAGE_USERS %}users {% endif %}{% if officer.NO_SUCH %}unknown {% endif %}"
        "{% if anonymous.VIEW_AGREEMENTS %}anonymous{% endif %}"
    )
    context = Context(
        {"officer": PermissionsOf(personas.ico), "anonymous": PermissionsOf(AnonymousUser())}
    )
    assert template.render(context) == "agreements "


def test_templates_are_read_and_parsed_once_per_process():
    """The case list's rows, badges and widgets are templates drawn on every request: the
    cached loader keeps each one parsed, in the tests as in production."""
    engine = engines["django"].engine
    assert [type(loader) for loader in engine.template_loaders] == [Loader]
    assert engine.get_template("widgets/option.html") is engine.get_template("widgets/option.html")
