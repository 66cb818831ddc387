"""Domain adaptation of the embedder: the training questions, their pairing with clauses, and a
small real fine-tuning run."""
from __future__ import annotations

import json
import re
from collections import Counter

import pytest

from policyqa.errors import ModelUnavailable
from policyqa.evals.gold import GOLD_SETS, UNANSWERABLE_GOLD, load_gold
from policyqa.index.adapt import (
    AdaptSettings, TrainingPair, TrainingQuestion, _batches, ensure_adapted_model, read_training_questions,
    training_pairs,
)
from policyqa.index.embedder import STAMP_NAME, SentenceTransformerEmbedder


def _bigrams(text: str) -> set[str]:
    han = "".join(re.findall(r"[\u4e00-\u9fff]", text))
    return {han[i:i + 2] for i in range(len(han) - 1)}


@pytest.fixture(scope="module")
def questions() -> list[TrainingQuestion]:
    return read_training_questions()


def test_every_training_quote_is_in_its_bundled_file(questions, corpus_dir):
    texts = {p.name: p.read_text(encoding="utf-8") for p in corpus_dir.glob("*.txt")}
    assert len(questions) >= 1000
    bad = [q for q in questions if q.doc not in texts or q.quote not in texts[q.doc]]
    assert bad == []


def test_no_training_question_is_close_to_a_gold_question(questions):
    """The benchmark must measure questions the model never trained on: no training question
    shares 60 % or more of its character bigrams (Jaccard) with any gold question."""
    gold = [_bigrams(item.question) for path in (*GOLD_SETS.values(), UNANSWERABLE_GOLD) for item in load_gold(path)]
    close = [q.question for q in questions
             if any(len(g & (b := _bigrams(q.question))) / max(1, len(g | b)) >= 0.6 for g in gold)]
    assert close == []


def test_training_questions_pair_with_the_clause_holding_their_quote(questions, corpus_report):
    clauses = [c for d in corpus_report.documents for c in d.clauses]
    pairs = training_pairs(questions, clauses)
    assert len(pairs) >= 0.99 * len(questions)
    by_id = {c.id: c for c in clauses}
    for pair, question in zip(pairs[:200], questions[:200]):
        assert question.quote in by_id[pair.clause_id].text
        assert question.quote[:8] in pair.passage


def test_a_question_on_a_document_not_in_the_library_is_skipped(corpus_report):
    clauses = [c for d in corpus_report.documents for c in d.clauses]
    assert training_pairs([TrainingQuestion("问", "not-here.txt", "任何内容都可以")], clauses) == []


def test_a_malformed_training_line_names_its_number(tmp_path):
    path = tmp_path / "q.jsonl"
    path.write_text('{"question": "a", "doc": "b", "quote": "c"}\n{"question": "only"}\n', encoding="utf-8")
    with pytest.raises(ValueError, match="第 2 行"):
        read_training_questions(path)


def test_batches_never_hold_a_clause_twice_and_keep_every_pair():
    pairs = [TrainingPair(f"q{i}", f"p{i % 7}", f"c{i % 7}") for i in range(40)]
    settings = AdaptSettings(batch_size=8, epochs=2)
    batches = _batches(pairs, settings)
    assert all(len({p.clause_id for p in b}) == len(b) for b in batches)
    assert Counter(p.question for b in batches for p in b) == Counter({p.question: 2 for p in pairs})


def test_missing_corpus_files_are_one_line_with_the_fix(tmp_path):
    questions = tmp_path / "q.jsonl"
    questions.write_text(json.dumps({"question": "问", "doc": "gone.txt", "quote": "条款原文片段"}) + "\n", encoding="utf-8")
    with pytest.raises(ModelUnavailable) as err:
        ensure_adapted_model(tmp_path / "base", tmp_path, tmp_path / "cache", questions=questions)
    assert "gone.txt" in str(err.value) and "POLICYQA_EMBEDDER=e5" in str(err.value) and "\n" not in str(err.value)


@pytest.mark.model
def test_a_small_adaptation_builds_a_loadable_model_once(tmp_path, e5_model_dir, corpus_dir):
    rows = read_training_questions()[:12]
    questions = tmp_path / "q.jsonl"
    questions.write_text("".join(json.dumps(r.__dict__, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    settings = AdaptSettings(batch_size=4, max_tokens=64)
    cache = tmp_path / "cache"
    folder = ensure_adapted_model(e5_model_dir, corpus_dir, cache, questions=questions, settings=settings)
    stamp = json.loads((folder / STAMP_NAME).read_text(encoding="utf-8"))
    assert stamp["pairs"] == 12 and stamp["settings"]["batch_size"] == 4
    adapted = SentenceTransformerEmbedder(folder).load()
    base = SentenceTransformerEmbedder(e5_model_dir).load()
    assert adapted.model_id != base.model_id
    vectors = adapted.embed_queries([rows[0].question])
    assert vectors.shape == (1, 384)
    assert abs(float((vectors ** 2).sum()) - 1.0) < 1e-4
    # the weights moved, but not far: a light adaptation, not a new model
    cosine = float(vectors[0] @ base.embed_queries([rows[0].question])[0])
    assert 0.9 < cosine < 0.99999

    built = (folder / "model.safetensors").stat().st_mtime_ns
    assert ensure_adapted_model(e5_model_dir, corpus_dir, cache, questions=questions, settings=settings) == folder
    assert (folder / "model.safetensors").stat().st_mtime_ns == built  # reused, not retrained

    questions.write_text(questions.read_text(encoding="utf-8") + json.dumps(rows[0].__dict__, ensure_ascii=False) + "\n",
                         encoding="utf-8")
    ensure_adapted_model(e5_model_dir, corpus_dir, cache, questions=questions, settings=settings)
    assert SentenceTransformerEmbedder(folder).model_id != adapted.model_id  # new questions, new model id
