"""The load benchmark (`liaison bench load`): gunicorn serving Liaison on one node and then
on two (each on its own port, `--workers` each, one database between them, the Redis cache
and queue when LIAISON_REDIS_URL is set), driven by signed-in users at once, each asking
for the case list, a search, a case, the API's case list and an intake in turn. It prints,
for each run, requests per second, p50 and p95 by kind of request, every error (anything
but 2xx and 3xx) and the processor time per request of gunicorn and of the database
server; then the API list beside the page that shows the same rows; and the same load on
an older revision (`--against`, a temporary git worktree with its own database) beside
this checkout's.

    sides       this checkout and the older revision: their code, database and var/
    prepare     the data of a side, written by that side's own code (run as a script)
    servers     the gunicorn nodes, and the processor time read from /proc
    driver      the users: sign-in through the login form, the round of requests
    report      the tables
    benchmark   a run from end to end, and its clean-up"""
