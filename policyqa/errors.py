"""Domain exceptions. Every message is one line that names the bad value and the fix.

The CLI and the UI catch :class:`PolicyQAError` and print ``str(err)``; nothing else.
"""
from __future__ import annotations


class PolicyQAError(Exception):
    """Base of every error a user may see; ``str()`` is a one-line actionable message."""


class UnreadableDocument(PolicyQAError):
    """A file could not be read as a policy document (bad type, encoding, corrupt, empty)."""

    def __init__(self, path: str, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"无法读取文件 {path}：{reason}")


class ModelUnavailable(PolicyQAError):
    """The embedding model cannot be built or loaded offline."""


class IndexMismatch(PolicyQAError):
    """The index on disk was built with another model/config, or is damaged."""


class StoreUnavailable(PolicyQAError):
    """The configured vector store (a Milvus server or file) cannot be used: client not
    installed, server unreachable, or refused the token."""


class IndexMissing(PolicyQAError):
    """No index exists where one was expected."""


class UnknownDocument(PolicyQAError):
    """A document name or alias matched nothing in the library."""


class ClauseNotFound(PolicyQAError):
    """A clause reference names a clause that does not exist in its document."""


class InvalidQuestion(PolicyQAError):
    """A question that cannot be answered as given (empty, only symbols, too long)."""


class GeneratorUnavailable(PolicyQAError):
    """A configured LLM backend cannot be reached or is misconfigured."""
