"""👍/👎 feedback on answers, appended to a local JSONL file with the question and the answer."""
from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

FEEDBACK_FILE = "feedback.jsonl"


@dataclass(frozen=True)
class Feedback:
    """One rating: the question, the answer record (``Answer.to_record()``) and whether it helped."""

    question: str
    answer: dict
    liked: bool

    def to_record(self) -> dict:
        """The JSONL line: time (UTC ISO), rating, question, answer text and cited clause ids."""
        return {"time": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                "rating": "up" if self.liked else "down", "question": self.question,
                "answer": self.answer.get("answer"),
                "citations": [c.get("clause_id") for c in self.answer.get("citations", [])],
                "record": self.answer}


class FeedbackLog:
    """Appends feedback to ``folder/feedback.jsonl`` (one JSON object per line, thread-safe)."""

    def __init__(self, folder: Path) -> None:
        self.path = Path(folder) / FEEDBACK_FILE
        self._lock = threading.Lock()

    def add(self, feedback: Feedback) -> dict:
        """Append one rating; returns the record written. Raises OSError when the folder is not writable."""
        record = feedback.to_record()
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as out:
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
        return record

    def read(self) -> list[dict]:
        """Every record written so far (empty when there is no file)."""
        if not self.path.exists():
            return []
        return [json.loads(line) for line in self.path.read_text(encoding="utf-8").splitlines() if line.strip()]
