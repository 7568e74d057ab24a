import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from liaison.agreements import services
from liaison.agreements.choices import AgreementStatus as S
from liaison.agreements.models import Agreement

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks need PostgreSQL's two connections"
    ),
    pytest.mark.django_db(transaction=True),
]


def _race(moves):
    """Runs each move in its own thread and database connection, all at once."""
    barrier = threading.Barrier(len(moves))
    outcomes = [None] * len(moves)

    def run(index, move):
        from django.db import connections

        try:
            barrier.wait()
            move()
            outcomes[index] = "ok"
        except ValidationError as refused:
            outcomes[index] = refused.messages[0]
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, m)) for i, m in enumerate(moves)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


def test_two_officers_cannot_both_move_the_same_agreement(draft, personas):
    agreement = services.agreement_submit(actor=personas.requester, agreement=draft)
    version = agreement.version

    def withdraw():
        services.agreement_transition(
            actor=personas.requester,
            agreement=Agreement.objects.get(pk=agreement.pk),
            to_status=S.WITHDRAWN,
            reason="Partner postponed.",
            expected_version=version,
        )

    def start_review():
        services.agreement_start_review(
            actor=personas.ico,
            agreement=Agreement.objects.get(pk=agreement.pk),
            expected_version=version,
        )

    outcomes = _race([withdraw, start_review])
    assert sorted(o == "ok" for o in outcomes) == [False, True]
    agreement.refresh_from_db()
    assert agreement.version == version + 1
    assert agreement.transitions.count() == 2  # the submission and the one winner


def test_without_a_version_the_second_reviewer_sees_the_new_status_under_the_lock(draft, personas):
    agreement = services.agreement_submit(actor=personas.requester, agreement=draft)
    stale = Agreement.objects.get(pk=agreement.pk)

    def start_review():
        services.agreement_start_review(actor=personas.ico, agreement=stale)

    outcomes = _race([start_review, start_review])
    assert outcomes.count("ok") == 1
    agreement.refresh_from_db()
    assert agreement.transitions.count() == 2
