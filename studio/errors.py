"""Named domain errors; each entrypoint maps them to a flash message, an HTTP status or an exit code."""


class StudioError(Exception):
    """Base of the studio's expected failures; the message is safe to show a user."""

    status = 400


class NotFound(StudioError):
    status = 404


class Forbidden(StudioError):
    status = 403


class InvalidInput(StudioError):
    pass


class InvalidTransition(StudioError):
    status = 409


class SelfApproval(Forbidden):
    pass


class SlotInPast(InvalidInput):
    pass


class DatabaseNotMigrated(StudioError):
    status = 503


class IndexNeedsRebuild(StudioError):
    status = 409


class ComplianceBlocked(InvalidTransition):
    """A blocking advertising-law finding stands in the way."""


class GenerationError(StudioError):
    """The model gave nothing usable (or could not be reached); the message says why."""

    status = 502


class QueueUnavailable(StudioError):
    """The message queue could not take a job; what was asked is kept and tried again later."""

    status = 503
