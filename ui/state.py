"""What the page's callbacks share: the config, the loaded assistant, the accounts and the feedback log.

The index on disk is the one source of truth for the library. Every use of :attr:`PageState.assistant`
first compares the index folder's identity with the one loaded and reloads when another process
(``policyqa ingest``, ``policyqa remove``) replaced it, so every tab answers from and lists the
library as it is now. Library changes from the page (upload, removal) rebuild the index on disk and
reload; they run one at a time under a lock so two uploads cannot race on the index folder.
"""
from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from policyqa.access import Users, users_path
from policyqa.assistant.service import Assistant
from policyqa.config import Config
from policyqa.index.catalog import Catalog
from policyqa.index.library_view import load_documents
from policyqa.index.manifest import MANIFEST_FILE
from policyqa.index.service import IngestResult, ingest_and_index, remove_and_reindex
from policyqa.ui.feedback import FeedbackLog


def index_identity(index_dir: Path) -> tuple[int, int, int] | None:
    """What changes whenever the index is rebuilt (the folder is replaced whole, manifest last):
    the manifest's inode, size and modification time; None when there is no index."""
    try:
        stat = os.stat(index_dir / MANIFEST_FILE)
    except OSError:
        return None
    return stat.st_ino, stat.st_size, stat.st_mtime_ns


@dataclass
class PageState:
    """The loaded assistant, kept current with the index on disk, and what the tabs need besides it."""

    config: Config
    loaded: Assistant
    feedback: FeedbackLog
    users: Users = field(default_factory=Users)
    _identity: tuple[int, int, int] | None = None
    _write_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @classmethod
    def create(cls, config: Config, assistant: Assistant, users: Users | None = None) -> PageState:
        """State over a loaded assistant; feedback goes to ``config.home/feedback.jsonl``; the
        accounts are read from the users file unless given."""
        users = users if users is not None else Users.load(users_path(config))
        return cls(config, assistant, FeedbackLog(config.home), users, index_identity(config.index_dir))

    @property
    def assistant(self) -> Assistant:
        """The assistant over the index as it is on disk now (reloaded when another process changed it)."""
        identity = index_identity(self.config.index_dir)
        if identity is not None and identity != self._identity:
            with self._write_lock:
                if index_identity(self.config.index_dir) != self._identity:
                    self._reload()
        return self.loaded

    def _reload(self) -> None:
        self.loaded.reload()
        self._identity = index_identity(self.config.index_dir)

    @property
    def catalog(self) -> Catalog:
        """The catalog of the current index."""
        return self.assistant.catalog

    def documents(self) -> list[dict]:
        """The ``documents.jsonl`` records (with clause counts) of the index on disk."""
        return load_documents(self.config.index_dir)

    def doc_choices(self) -> list[tuple[str, str]]:
        """(label, file name) pairs for document pickers, in library order."""
        return [(f"{m.title or m.doc}（{m.doc}）", m.doc) for m in self.catalog.documents]

    def add_files(self, paths: Sequence[Path], user: str | None = None) -> IngestResult:
        """Ingest ``paths`` with the loaded embedder, then reload; raises AccessDenied for a reader."""
        self.users.require_admin(user)
        with self._write_lock:
            result = ingest_and_index(self.config, list(paths), embedder=self.loaded.embedder, progress=True)
            self._reload()
        return result

    def remove(self, name: str, user: str | None = None) -> IngestResult:
        """Remove one document and re-index, then reload; raises AccessDenied for a reader and
        PolicyQAError for an unknown name."""
        self.users.require_admin(user)
        with self._write_lock:
            result = remove_and_reindex(self.config, name, embedder=self.loaded.embedder, progress=True)
            self._reload()
        return result
