"""The cases benchmark (`liaison bench cases`): half a million illustrative cases in a
database of their own, then the pages officers use under pressure timed through the whole
Django stack, each beside the time of the bare SQL it runs (its floor).

The floor of a page is measured by recording the statements one request of the page runs:
its SELECTs are executed again, exactly, through `connection.cursor()`; its writes (the
audit row of a view, a session's idle expiry when it is due) are taken at the time they
took in that request, since running them twice would write twice. The ratio page/floor is then what
Python, templates and middleware add; "beyond SQL" is the same as a difference. The slowest
of those queries is named, with its EXPLAIN, for any page over its target. A signed-in
request that does nothing is measured first, in the same way (`urls`): the framework's
own ratio, below which no page can go.

Tooling above every domain: it may import any app and no app imports it, except the
demo data (cases.demo), which draws its illustrative cases from the generator.

    generator/   the illustrative cases, written in bulk (also the demo's)
    database     the benchmark's own database beside the configured one
    dataset      its accounts, its generated cases, the indexes rebuilt after a load
    timing       one page timed beside its SQL (Figure, the targets)
    pages        the pages timed and the intake posted, in order
    report       the table printed and the figures written as JSON
    urls         the product's URLs plus the signed-in empty page"""
