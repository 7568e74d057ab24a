"""The real queue, worked off in the test's own process: what `liaison worker` does with
each message, without a second process (the multi-node tests start real workers)."""

from __future__ import annotations

import datetime

import pytest

from liaison.core import jobs


class WorkedQueue:
    def __init__(self):
        self.huey = jobs.huey

    def pending(self) -> int:
        return self.huey.pending_count()

    def scheduled(self) -> list:
        return self.huey.scheduled()

    def run_pending(self, *, later_seconds: float = 0) -> int:
        """Moves the retries due `later_seconds` from now into the queue, as the scheduler
        does, then does every queued message as a worker does; returns how many ran."""
        now = datetime.datetime.now(datetime.UTC).replace(tzinfo=None)  # Huey's naive UTC
        then = now + datetime.timedelta(seconds=later_seconds)
        for message in self.huey.read_schedule(then):
            self.huey.enqueue(message)
        ran = 0
        while (message := self.huey.dequeue()) is not None:
            self.huey.execute(message, timestamp=then)
            ran += 1
        return ran


@pytest.fixture
def queue():
    """The test worker's own queue (settings.LIAISON_QUEUE_NAME), empty before and after."""
    jobs.huey.flush()
    yield WorkedQueue()
    jobs.huey.flush()
