"""The one error a refused write raises, whatever app refuses it."""


class ActionError(Exception):
    """A refused write. Nothing was written; the message is for the user and already
    translated, so a view shows `str(error)` as it is."""
