"""Domain errors: each edge maps them to its own reply (HTTP status, chat text)."""

from __future__ import annotations


class DomainError(Exception):
    """Base of every rule the domain refuses to break. `code` is stable for APIs and templates."""

    code = "domain_error"


class NotFound(DomainError):
    code = "not_found"


class CustomerNotFound(NotFound):
    code = "customer_not_found"


class EntryNotFound(NotFound):
    code = "entry_not_found"


class PhoneAlreadyRegistered(DomainError):
    code = "phone_already_registered"


class ConsentRequired(DomainError):
    code = "consent_required"


class InvalidAmount(DomainError):
    code = "invalid_amount"


class InsufficientPoints(DomainError):
    code = "insufficient_points"

    def __init__(self, requested: int, available: int) -> None:
        super().__init__(f"requested {requested} points, {available} available")
        self.requested = requested
        self.available = available


class SourceKeyConflict(DomainError):
    """A source key already used for a different ledger change."""

    code = "source_key_conflict"


class BalanceLimitExceeded(DomainError):
    """The change would take the balance past the program's ceiling (domain/ledger.py)."""

    code = "balance_limit_exceeded"


class IdempotencyKeyReused(DomainError):
    """A retry's key names an earlier call that asked for something else: replaying it would hide
    the difference, applying it would break the key's promise."""

    code = "idempotency_key_reused"


class NotReversible(DomainError):
    code = "not_reversible"


class AlreadyReversed(DomainError):
    code = "already_reversed"


class CustomerDeleted(DomainError):
    code = "customer_deleted"


class StoreUnavailable(Exception):
    """The database cannot serve now (unreachable, locked past its timeout, out of connections).

    Not a DomainError: nothing about the request is wrong, so it is answered 503 and tried again.
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
