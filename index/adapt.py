"""Domain adaptation of the bundled embedder: a short fine-tuning on questions about the corpus.

multilingual-e5-small learnt Chinese from web text. Teachers ask in everyday words (班里有孩子总被
几个同学堵着要钱), the documents speak law (学生欺凌); the small model often leaves the two far apart.
``data/adaptation.jsonl`` holds questions written for the bundled documents in the way teachers,
administrators and evaluators ask, each with a quote from the clause that answers it. One pass of
contrastive fine-tuning (in-batch negatives) on those pairs moves everyday wording towards the
documents' wording. The questions were written apart from the evaluation gold sets, and any that
came close to a gold question were dropped, so the benchmark measures unseen questions.

Opt-in (``POLICYQA_EMBEDDER=e5-adapted``). Measured with ``python -m policyqa.evals.retrieval_bench``
(both models in one run): hybrid recall@5 0.931 → 0.933 on the first gold set, 0.875 → 0.908 on
``gold_fresh``, 0.839 → 0.871 on ``gold_unseen``. The assistant's thresholds were calibrated with
the plain model; with the adapted one its key facts on the first gold set fall 0.916 → 0.881 and it
answers one more unanswerable question. Nor does it carry over to documents it was not trained on:
adapted without the questions on 教师法, 家庭教育促进法 and the national plan, hybrid recall@5 on the
69 gold questions about those three stayed 0.935 and dense-only recall@5 fell 0.790 → 0.717. So the
plain model stays the default.

The adapted folder is built once, beside the base model, and reused while its stamp matches the base
model, the questions, the corpus files they quote and the settings; a change to any of them changes
the model id, so an index built with the old weights is refused with the fix.
"""
from __future__ import annotations

import hashlib
import json
import os
import random
import sys
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path

from policyqa.domain import Clause
from policyqa.errors import ModelUnavailable
from policyqa.atomic import atomic_dir
from policyqa.index.embedder import STAMP_NAME, read_stamp
from policyqa.index.passages import passage_text, passage_windows
from policyqa.index.st_folder import write_json
from policyqa.index.tokenize import DATA_DIR

ADAPTED_DIR_NAME = "multilingual-e5-small-policyqa"
TRAINING_QUESTIONS = DATA_DIR / "adaptation.jsonl"
ADAPT_FORMAT = 1  # bump when training changes in a way the settings do not record

Progress = Callable[[str], None]


@dataclass(frozen=True)
class AdaptSettings:
    """How the embedder is fine-tuned.

    Chosen on the bundled gold set and the first fresh set (retrieval_bench, hybrid recall@5,
    old/fresh): one epoch at 2e-5 → 0.933/0.908; three epochs at 3e-5 → 0.940/0.898; two at
    5e-5 with scale 50 → 0.924/0.908; the base model 0.931/0.875. One epoch is as good and the
    cheapest (about 3 minutes on 2 cores). The word-embedding matrix (250,002 × 384) stays frozen.
    """

    epochs: int = 1
    learning_rate: float = 2e-5
    scale: float = 20.0      # logits = scale × cosine (temperature 0.05)
    batch_size: int = 32
    max_tokens: int = 256
    seed: int = 0

    def __post_init__(self) -> None:
        if self.epochs < 1 or self.batch_size < 2 or self.learning_rate <= 0 or self.max_tokens < 16:
            raise ValueError("AdaptSettings: epochs ≥ 1, batch_size ≥ 2, learning_rate > 0, max_tokens ≥ 16")


@dataclass(frozen=True)
class TrainingQuestion:
    """One line of the training file: a question and a quote from the clause that answers it."""

    question: str
    doc: str
    quote: str


@dataclass(frozen=True)
class TrainingPair:
    """A question and the text of its clause the embedder should put near it."""

    question: str
    passage: str
    clause_id: str


def read_training_questions(path: Path = TRAINING_QUESTIONS) -> list[TrainingQuestion]:
    """Parse a JSON Lines file of ``{"question", "doc", "quote"}`` objects; raises ValueError
    naming the first bad line, OSError when the file cannot be read."""
    out = []
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            out.append(TrainingQuestion(*(str(row[key]).strip() for key in ("question", "doc", "quote"))))
        except (ValueError, KeyError, TypeError) as err:
            raise ValueError(f"{path} 第 {number} 行不是 {{question, doc, quote}} 对象：{err}") from None
    return out


def training_pairs(questions: Sequence[TrainingQuestion], clauses: Sequence[Clause]) -> list[TrainingPair]:
    """Pair each question with the clause of its document that holds its quote: with the sentence
    window holding the quote when the clause has windows (the retriever matches those), else with
    the clause's passage. Questions whose quote is in no clause (a document not in the library)
    are skipped."""
    by_doc: dict[str, list[Clause]] = {}
    for clause in clauses:
        if clause.kind not in ("header", "outline"):
            by_doc.setdefault(clause.doc, []).append(clause)
    pairs = []
    for q in questions:
        clause = next((c for c in by_doc.get(q.doc, ()) if q.quote in c.text), None)
        if clause is None:
            continue
        windows = [w for w in passage_windows(clause) if q.quote[:8] in w]
        pairs.append(TrainingPair(q.question, windows[0] if windows else passage_text(clause), clause.id))
    return pairs


def adapt_model(base: Path, pairs: Sequence[TrainingPair], dest: Path, *, stamp: dict,
                settings: AdaptSettings = AdaptSettings(), progress: Progress | None = None) -> Path:
    """Fine-tune the sentence-transformers folder ``base`` on ``pairs`` and write the result to
    ``dest`` atomically, with ``stamp``. Raises ModelUnavailable when there are too few pairs or the
    folder cannot be written."""
    if len(pairs) < settings.batch_size:
        raise ModelUnavailable(f"领域适配的训练问题太少（{len(pairs)} 条）：请检查 {TRAINING_QUESTIONS}")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    import torch
    from sentence_transformers import SentenceTransformer

    random.seed(settings.seed)
    torch.manual_seed(settings.seed)
    model = SentenceTransformer(str(base), device="cpu", local_files_only=True)
    max_length = model.max_seq_length
    model.max_seq_length = settings.max_tokens
    for parameter in model[0].auto_model.embeddings.word_embeddings.parameters():
        parameter.requires_grad = False
    trainable = [p for p in model.parameters() if p.requires_grad]
    optimiser = torch.optim.AdamW(trainable, lr=settings.learning_rate, weight_decay=0.01)
    batches = _batches(pairs, settings)
    warmup = max(1, len(batches) // 10)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimiser, lambda step: min(1.0, (step + 1) / warmup) * max(0.0, 1 - step / len(batches)))
    _train(model, optimiser, schedule, batches, settings, progress)
    model.eval()
    model.max_seq_length = max_length
    try:
        with atomic_dir(Path(dest)) as work:
            model.save(str(work))
            write_json(work / STAMP_NAME, stamp)
    except OSError as err:
        raise ModelUnavailable(f"无法写入模型缓存 {dest}：{err.strerror or err}；请设置 POLICYQA_CACHE 指向可写目录") from err
    return Path(dest)


def _train(model, optimiser, schedule, batches: list[list[TrainingPair]], settings: AdaptSettings,
           progress: Progress | None) -> None:
    """One pass over ``batches``: in-batch contrastive loss of each question against the passages."""
    import torch

    model.train()
    for step, batch in enumerate(batches, 1):
        queries = model.preprocess(["query: " + p.question for p in batch])
        passages = model.preprocess(["passage: " + p.passage for p in batch])
        q = torch.nn.functional.normalize(model(queries)["sentence_embedding"], dim=-1)
        d = torch.nn.functional.normalize(model(passages)["sentence_embedding"], dim=-1)
        loss = torch.nn.functional.cross_entropy(settings.scale * q @ d.T, torch.arange(len(batch)))
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
        schedule.step()
        if step % 10 == 0 or step == len(batches):
            _report(progress, f"领域适配：第 {step}/{len(batches)} 批，损失 {loss.item():.3f}")


def _batches(pairs: Sequence[TrainingPair], settings: AdaptSettings) -> list[list[TrainingPair]]:
    """Shuffled batches in which no clause appears twice (a second question on the same clause
    would otherwise count as a wrong answer for the first)."""
    rng = random.Random(settings.seed)
    batches: list[list[TrainingPair]] = []
    for _ in range(settings.epochs):
        order = list(pairs)
        rng.shuffle(order)
        pending = order
        while pending:
            batch, seen, rest = [], set(), []
            for pair in pending:
                if len(batch) < settings.batch_size and pair.clause_id not in seen:
                    batch.append(pair)
                    seen.add(pair.clause_id)
                else:
                    rest.append(pair)
            batches.append(batch)
            pending = rest
    return [b for b in batches if len(b) >= 2]


def ensure_adapted_model(base: Path, corpus_dir: Path, cache_dir: Path, *,
                         questions: Path = TRAINING_QUESTIONS, settings: AdaptSettings = AdaptSettings(),
                         progress: Progress | None = None) -> Path:
    """``<cache_dir>/multilingual-e5-small-policyqa``, fine-tuned from ``base`` unless its stamp
    already matches the base model, the questions, the corpus files and the settings.

    Raises ModelUnavailable (no training questions, unreadable corpus, unwritable cache)."""
    dest = Path(cache_dir) / ADAPTED_DIR_NAME
    try:
        rows = read_training_questions(questions)
    except (OSError, ValueError) as err:
        raise ModelUnavailable(f"无法读取领域适配训练问题：{err}") from err
    files = sorted({Path(corpus_dir) / r.doc for r in rows})
    missing = [f.name for f in files if not f.is_file()]
    if missing:
        raise ModelUnavailable(f"随附语料 {corpus_dir} 缺少 {'、'.join(missing)}，无法做领域适配："
                               "请恢复 corpus/ 目录，或设置 POLICYQA_EMBEDDER=e5 使用未适配的模型")
    digest = hashlib.sha256()
    digest.update(_file_digest(Path(base) / STAMP_NAME).encode())
    digest.update(_file_digest(questions).encode())
    for path in files:
        digest.update(path.name.encode() + _file_digest(path).encode())
    digest.update(json.dumps([ADAPT_FORMAT, asdict(settings)]).encode())
    source = digest.hexdigest()
    if _stamp_source(dest) == source:
        return dest
    _report(progress, f"领域适配：用 {len(rows)} 个训练问题微调嵌入模型（约 3 分钟，只做一次）")
    from policyqa.ingest.pipeline import DocumentParser

    parser, clauses = DocumentParser(), []
    for path in files:
        clauses += parser.parse(path).clauses
    pairs = training_pairs(rows, clauses)
    stamp = {"format": f"adapt-{ADAPT_FORMAT}", "source_sha256": source, "base": str(base),
             "questions": len(rows), "pairs": len(pairs), "settings": asdict(settings),
             "built_at": datetime.now(timezone.utc).isoformat(timespec="seconds")}
    adapt_model(base, pairs, dest, stamp=stamp, settings=settings, progress=progress)
    _report(progress, f"领域适配完成：{dest}（{len(pairs)} 对问题与条款）")
    return dest


def _file_digest(path: Path) -> str:
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return "missing"


def _stamp_source(folder: Path) -> str | None:
    if not (folder / "model.safetensors").is_file():
        return None
    return read_stamp(folder / STAMP_NAME).get("source_sha256")


def _report(progress: Progress | None, message: str) -> None:
    if progress is not None:
        progress(message)
    else:
        print(message, file=sys.stderr)
