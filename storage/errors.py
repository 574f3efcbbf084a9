"""Exceptions raised by the archive; the CLI turns them into one line each."""


class StorageError(Exception):
    """The archive cannot do what was asked (bad URL, unreachable database, ...)."""


class UnknownPage(StorageError):
    """No page of the archive has this URL (nor an alias of it)."""
