"""Backend benchmark: the ONNX Runtime backends (fp32, the default, and int8) against torch fp32,
all in one run, on the same passages and the same questions.

    python -m policyqa.evals.backend_bench [--torch-index DIR --onnx-index DIR] [--gold FILE …]
                                           [--int8-index DIR] [--passages 600] [--out report.json] [--work DIR]

Without indexes it ingests the bundled corpus twice into a temporary folder (or ``--work DIR``,
kept and reused), once per backend.
Prints, for each backend:

- passage embedding throughput over the same passages (``--passages`` rows of the index, sampled
  with a fixed seed, embedded as the builder does: one call per chunk of 128), the ratio, and the
  cosine between the two backends' vectors;
- query embedding latency (p50, p95) over the gold questions, one question per call;
- per gold set, the answer benchmark (:mod:`policyqa.evals.suite`) of the assistant on that
  backend's index with that backend's relevance model: recall@5 of the answer's sources, key
  facts, citation support, faithfulness, rejection of unanswerable questions, false refusals;
  and the difference from torch.

Default sets: every bundled set over the bundled corpus (gold, fresh, unseen, unanswerable,
s11_dev, s11_test). The corpus-wild sets need indexes of the bundled corpus plus corpus-wild:
``--torch-index``/``--onnx-index`` and ``--gold evals/data/gold_wild_library_dev.jsonl …``.
"""
from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from policyqa.config import BUNDLED_CORPUS, Config
from policyqa.evals.gold import DATA_DIR, load_gold
from policyqa.evals.scoring import Metric
from policyqa.evals.suite import EvalOptions, run_eval
from policyqa.evals.systems import AssistantSystem
from policyqa.index.builder import EMBED_CHUNK
from policyqa.index.catalog import Catalog
from policyqa.index.passages import embedded_rows

BACKENDS = ("torch", "onnx", "onnx-int8")
DEFAULT_SETS = ("gold", "gold_fresh", "gold_unseen", "gold_unanswerable", "gold_s11_dev", "gold_s11_test")
SHOWN = (Metric.RECALL_5, Metric.KEY_FACTS, Metric.CITATION_SUPPORT, Metric.FAITHFULNESS,
         Metric.REJECTION, Metric.FALSE_REFUSAL)


def sample_passages(index: Path, n: int, seed: int = 0) -> list[str]:
    """``n`` embedded rows (clauses and sentence windows) of the index, sampled with ``seed``."""
    rows = [text for clause in Catalog.load(index).clauses for _, text in embedded_rows(clause)]
    return random.Random(seed).sample(rows, min(n, len(rows)))


def throughput(embedder, passages: list[str]) -> tuple[float, np.ndarray]:
    """Passages per second (after one warm-up chunk) and the vectors, embedded chunk by chunk."""
    embedder.embed_passages(passages[:EMBED_CHUNK])
    start = time.perf_counter()
    vectors = np.vstack([embedder.embed_passages(passages[i:i + EMBED_CHUNK])
                         for i in range(0, len(passages), EMBED_CHUNK)])
    return len(passages) / (time.perf_counter() - start), vectors


def query_latencies(embedder, questions: list[str]) -> list[float]:
    """Milliseconds to embed each question alone."""
    embedder.embed_queries(questions[:1])
    out = []
    for question in questions:
        start = time.perf_counter()
        embedder.embed_queries([question])
        out.append(1000 * (time.perf_counter() - start))
    return out


def _build_indexes(folder: Path) -> dict[str, Path]:
    """An index of the bundled corpus per backend under ``folder`` (kept ones are reused)."""
    from policyqa.index.manifest import MANIFEST_FILE
    from policyqa.index.service import ingest_and_index

    indexes = {}
    for backend in BACKENDS:
        config = Config.load(index_dir=folder / backend, backend=backend)
        if (config.index_dir / MANIFEST_FILE).exists():
            indexes[backend] = config.index_dir
            continue
        ingest_and_index(config, [BUNDLED_CORPUS])
        indexes[backend] = config.index_dir
        print(f"built {backend} index of the bundled corpus: {config.index_dir}", file=sys.stderr)
    return indexes


def run(indexes: dict[str, Path], gold: list[Path], n_passages: int) -> dict:
    from policyqa.assistant.service import Assistant

    passages = sample_passages(indexes["torch"], n_passages)
    questions = [item.question for path in gold for item in load_gold(path)]
    report: dict = {"passages": len(passages), "questions": len(questions), "backends": {}}
    vectors = {}
    assistants = {}
    for backend in BACKENDS:
        config = Config.load(index_dir=indexes[backend], backend=backend)
        assistant = Assistant.load(config)
        assistants[backend] = (config, assistant)
        rate, vectors[backend] = throughput(assistant.embedder, passages)
        lat = query_latencies(assistant.embedder, questions)
        report["backends"][backend] = {"passages_per_s": round(rate, 1),
                                       "query_ms_p50": round(statistics.median(lat), 2),
                                       "query_ms_p95": round(float(np.percentile(lat, 95)), 2)}
    for backend in BACKENDS[1:]:
        cosines = np.sum(vectors["torch"] * vectors[backend], axis=1)
        figures = report["backends"][backend]
        figures["speedup"] = round(figures["passages_per_s"] / report["backends"]["torch"]["passages_per_s"], 2)
        figures["cosine_min"], figures["cosine_mean"] = round(float(cosines.min()), 4), round(float(cosines.mean()), 4)
    report["sets"] = {}
    for path in gold:
        row = {}
        for backend, (config, assistant) in assistants.items():
            result = run_eval(config, EvalOptions(gold=path), systems=[AssistantSystem(assistant)], progress=False)
            overall = result.systems[0].overall()
            row[backend] = {m.value: overall[m] for m in SHOWN}
        report["sets"][path.stem] = row
    return report


def print_report(report: dict) -> None:
    print(f"{report['passages']} passages, {report['questions']} questions")
    for backend, figures in report["backends"].items():
        versus = (f"  {figures['speedup']:.2f}× torch, cosine with torch min {figures['cosine_min']} "
                  f"mean {figures['cosine_mean']}") if "speedup" in figures else ""
        print(f"{backend:9} {figures['passages_per_s']:7.1f} passages/s   query p50 {figures['query_ms_p50']:6.2f} ms"
              f"  p95 {figures['query_ms_p95']:6.2f} ms{versus}")
    header = "  ".join(f"{m.value:>16}" for m in SHOWN)
    print(f"{'set':24} {'backend':9} {header}")
    for name, row in report["sets"].items():
        for backend in BACKENDS:
            cells = "  ".join(f"{_fmt(row[backend][m.value]):>16}" for m in SHOWN)
            print(f"{name:24} {backend:9} {cells}")
        for backend in BACKENDS[1:]:
            cells = "  ".join(f"{_fmt(_delta(row, backend, m.value), signed=True):>16}" for m in SHOWN)
            print(f"{name:24} {'Δ ' + backend:9} {cells}")


def _delta(row: dict, backend: str, metric: str) -> float | None:
    a, b = row["torch"][metric], row[backend][metric]
    return None if a is None or b is None else b - a


def _fmt(value: float | None, *, signed: bool = False) -> str:
    return "—" if value is None else f"{value:+.3f}" if signed else f"{value:.3f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--torch-index", help="index built with POLICYQA_BACKEND=torch")
    parser.add_argument("--onnx-index", help="index of the same documents built with POLICYQA_BACKEND=onnx")
    parser.add_argument("--int8-index", help="index of the same documents built with POLICYQA_BACKEND=onnx-int8")
    parser.add_argument("--gold", nargs="*", help="gold files (default: the bundled sets over the bundled corpus)")
    parser.add_argument("--passages", type=int, default=600, help="passages timed per backend (default 600)")
    parser.add_argument("--out", help="also write the figures as JSON here")
    parser.add_argument("--work", help="build the bundled indexes here and keep them (reused when present)")
    args = parser.parse_args(argv)
    if len({bool(args.torch_index), bool(args.onnx_index), bool(args.int8_index)}) > 1:
        parser.error("give --torch-index, --onnx-index and --int8-index, or none")
    gold = [Path(g) for g in args.gold] if args.gold else [DATA_DIR / f"{name}.jsonl" for name in DEFAULT_SETS]
    with tempfile.TemporaryDirectory(prefix="policyqa-backends-") as scratch:
        indexes = ({"torch": Path(args.torch_index), "onnx": Path(args.onnx_index), "onnx-int8": Path(args.int8_index)}
                   if args.torch_index
                   else _build_indexes(Path(args.work or scratch)))
        report = run(indexes, gold, args.passages)
    print_report(report)
    if args.out:
        Path(args.out).write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
