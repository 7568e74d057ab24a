"""Template comments written with {# … #} end on their line; one spanning lines is printed
to the reader as text."""

from pathlib import Path

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
