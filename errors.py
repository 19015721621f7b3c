"""The error types users see; every CLI turns them into one-line diagnostics."""

from __future__ import annotations


class TensorforgeError(Exception):
    """Base of every error tensorforge reports to a user."""


class IRError(TensorforgeError):
    """Malformed or invalid IR: a parse error or a verifier failure, with its location."""

    def __init__(self, message: str, location: str | None = None) -> None:
        self.message = message
        self.location = location
        super().__init__(f"{location}: {message}" if location else message)


class InputError(TensorforgeError):
    """Arguments given at run time do not fit the function (count, shape, dtype)."""


class InterpError(TensorforgeError):
    """An op failed while being interpreted (a run-time shape check, a missing file)."""
