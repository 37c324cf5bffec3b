"""Use cases. Each runs inside a unit of work its caller opens and commits."""
