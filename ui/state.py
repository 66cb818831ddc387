"""What the page's callbacks share: the config, the loaded assistant and the feedback log.

Library changes (upload, removal) rebuild the index on disk and then reload the assistant; they run
one at a time under a lock so two uploads cannot race on the index folder.
"""
from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from policyqa.assistant.service import Assistant
from policyqa.config import Config
from policyqa.index.catalog import Catalog
from policyqa.index.library_view import load_documents
from policyqa.index.service import IngestResult, ingest_and_index, remove_and_reindex
from policyqa.ui.feedback import FeedbackLog


@dataclass
class PageState:
    """The loaded assistant and everything the tabs need besides it."""

    config: Config
    assistant: Assistant
    feedback: FeedbackLog
    _write_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @classmethod
    def create(cls, config: Config, assistant: Assistant) -> "PageState":
        """State over a loaded assistant; feedback goes to ``config.home/feedback.jsonl``."""
        return cls(config, assistant, FeedbackLog(config.home))

    @property
    def catalog(self) -> Catalog:
        """The catalog of the index the assistant has loaded."""
        return self.assistant.catalog

    def documents(self) -> list[dict]:
        """The ``documents.jsonl`` records (with clause counts) of the index on disk."""
        return load_documents(self.config.index_dir)

    def doc_choices(self) -> list[tuple[str, str]]:
        """(label, file name) pairs for document pickers, in library order."""
        return [(f"{m.title or m.doc}（{m.doc}）", m.doc) for m in self.catalog.documents]

    def add_files(self, paths: Sequence[Path]) -> IngestResult:
        """Ingest ``paths`` with the loaded embedder, then reload the assistant."""
        with self._write_lock:
            result = ingest_and_index(self.config, list(paths), embedder=self.assistant.embedder,
                                      progress=True)
            self.assistant.reload()
        return result

    def remove(self, name: str) -> IngestResult:
        """Remove one document and re-index, then reload; raises PolicyQAError for an unknown name."""
        with self._write_lock:
            result = remove_and_reindex(self.config, name, embedder=self.assistant.embedder,
                                        progress=True)
            self.assistant.reload()
        return result
