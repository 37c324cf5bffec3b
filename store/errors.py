"""Which database errors mean "the database is in trouble", as opposed to "the work was wrong"."""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from domain.errors import StoreUnavailable

# query_canceled (statement_timeout), lock_not_available (lock_timeout), the connection classes,
# insufficient resources, admin shutdown, cannot connect now
_OUTAGE_SQLSTATES = frozenset({"57014", "55P03", "53000", "53300", "57P01", "57P02", "57P03"})


# SQLite calls a missing column an OperationalError too: only these words mean the file is in trouble.
_SQLITE_TROUBLE = ("locked", "busy", "disk i/o", "readonly", "read-only", "disk is full", "unable to open")


def is_outage(exc: BaseException) -> bool:
    if isinstance(exc, PoolTimeout | OSError | TimeoutError):
        return True
    if isinstance(exc, OperationalError) and type(exc.orig).__module__.startswith("sqlite3"):
        return any(word in str(exc.orig).lower() for word in _SQLITE_TROUBLE)
    if isinstance(exc, InterfaceError | OperationalError):
        return True
    if isinstance(exc, DBAPIError):
        state = str(getattr(exc.orig, "sqlstate", "") or "")
        return exc.connection_invalidated or state in _OUTAGE_SQLSTATES or state.startswith("08")
    return False


def reason_of(exc: BaseException, limit: int = 200) -> str:
    """The driver's own words, on one line (SQLAlchemy's wrapper adds the SQL and a link)."""
    return " ".join(str(getattr(exc, "orig", None) or exc).split())[:limit] or type(exc).__name__


def unavailable(exc: BaseException) -> StoreUnavailable:
    """The domain's StoreUnavailable, with the driver's reason on one line."""
    return StoreUnavailable(reason_of(exc))
