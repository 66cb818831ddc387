"""The page benchmarks' question sets load (the bundled files, and a bad line is one line naming
the file and line); labels compare loosely; shares and table rows are as printed."""
from __future__ import annotations

import math
from pathlib import Path

import pytest

from policyqa.evals.compare_bench import load_items as load_compare
from policyqa.evals.followup_bench import load_conversations
from policyqa.evals.hygiene_bench import load_items as load_hygiene
from policyqa.evals.question_sets import label_key, share, table_header, table_row

DATA = Path(__file__).resolve().parents[2] / "evals" / "data"


def test_the_bundled_sets_load_with_their_counts():
    conversations = load_conversations(DATA / "conversations_dev.jsonl") + load_conversations(DATA / "conversations_test.jsonl")
    assert len(conversations) == 60 and all(len(c) >= 3 for c in conversations)
    topics = load_compare(DATA / "compare_dev.jsonl") + load_compare(DATA / "compare_test.jsonl")
    assert len(topics) == 58 and {t.covers for t in topics} == {"a", "b", "both", "neither"}
    hygiene = load_hygiene(DATA / "hygiene_dev.jsonl") + load_hygiene(DATA / "hygiene_test.jsonl")
    assert len(hygiene) == 54 and all(h.deciding_sentence for h in hygiene)
    assert load_hygiene(DATA / "gold.jsonl")[0].deciding_sentence is None     # a gold set: questions only


@pytest.mark.parametrize("load, line", [
    (load_compare, '{"doc_a": "a.txt", "doc_b": "b.txt", "topic": "劳动", "covers": "some"}'),
    (load_conversations, '{"turns": [{"q": "教师节是哪天？"}]}'),
    (load_hygiene, '["not", "an", "object"]'),
    (load_hygiene, "{not json"),
])
def test_a_bad_line_is_one_line_naming_the_file_and_line(load, line, tmp_path):
    path = tmp_path / "set.jsonl"
    path.write_text('\n' + line + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match=rf"^{path} 第 2 行：需要") as raised:
        load(path)
    assert "\n" not in str(raised.value)


def test_labels_shares_and_rows():
    assert label_key("二、(六)21. ") == label_key("二、（六）21") == "二、（六）21"
    assert share(2, 3) == 0.667 and math.isnan(share(0, 0))
    assert table_header("file", ["a", "b"]) == "| file | a | b |\n|---|---|---|"
    assert table_row("x.jsonl", {"a": 0.5, "b": 3}, ["a", "b"]) == "| x.jsonl | 0.5 | 3 |"
