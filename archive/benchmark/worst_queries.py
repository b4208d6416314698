"""The queries that each held a worker for seconds before their cost was bounded (the
bounded-cost issue's table): measured by the bench, sent in a loop by the load test's
attackers. No Django imports: the load test reads this from outside the project."""

WORST_QUERIES = (
    "?*",
    "*a*",
    "a* b* c* d* e* f* g* h*",
    "a* OR b* OR c* OR d* OR e* OR f*",
    "р* я* к* м*",
)
