"""``policyqa relevance data | train | calibrate``: rebuilding the relevance model from its pinned data."""
from __future__ import annotations

import argparse
import gzip
import shutil
import sys
import tempfile
from pathlib import Path

from policyqa.config import Config
from policyqa.index.relevance import ARTIFACT_DIR, RelevanceCard

TRAINING_GROUPS = ARTIFACT_DIR / "train-groups.jsonl.gz"
"""The pinned training data of the shipped model (its sha256 is the card's ``data_sha256``)."""
SHARED = Path(__file__).resolve().parent.parent.parent / "shared"   # ../shared beside the checkout


def run_data(args: argparse.Namespace) -> int:
    """Mine the training groups (stard + wild train split [+ library]) and write them gzipped."""
    from policyqa.index import relevance_data as rd
    from policyqa.index.service import load_retriever

    config = Config.load(reranker="off")
    wild = load_retriever(config.with_overrides(index_dir=args.wild_index))
    groups = rd.stard_groups(Path(args.shared), wild.tokenizer, wild.embedder)
    groups += rd.wild_groups(wild)
    if args.library_index:
        groups += rd.library_groups(load_retriever(config.with_overrides(index_dir=args.library_index)))
    with tempfile.TemporaryDirectory() as tmp:
        plain = Path(tmp) / "groups.jsonl"
        digest = rd.write_groups(groups, plain)
        _gzip(plain, Path(args.out))
    print(f"{len(groups)} 组训练数据 → {args.out}（sha256 {digest[:12]}）")
    return 0


def run_train(args: argparse.Namespace) -> int:
    """Train from the pinned groups and write the artifact (thresholds: run calibrate next)."""
    from policyqa.index.model_build import ensure_e5_model
    from policyqa.index.relevance_train import train

    config = Config.load()
    base = ensure_e5_model(config.model_cache)
    with tempfile.TemporaryDirectory() as tmp:
        plain = Path(tmp) / "groups.jsonl"
        with gzip.open(args.data, "rb") as src, plain.open("wb") as dst:
            shutil.copyfileobj(src, dst)
        card = train(base, plain, Path(args.out), epochs=args.epochs,
                     log=lambda line: print(line, file=sys.stderr))
    print(f"已训练：{args.out}（{card.groups} 组，{card.epochs} 轮，数据 sha256 {card.data_sha256[:12]}）")
    return 0


def run_calibrate(args: argparse.Namespace) -> int:
    """Choose the fusion weight, the refusal threshold and the verdict threshold on dev questions
    and write them into the artifact's card."""
    from dataclasses import replace

    from policyqa.assistant.service import Assistant
    from policyqa.evals.relevance_bench import RIGHT, WITHHELD, compliance_figures
    from policyqa.index.model_build import MODEL_DIR_NAME
    from policyqa.index.relevance import RelevanceModel
    from policyqa.index.relevance_calibrate import (DECIDES_GRID, VERDICT_DEV, choose_answerable, choose_decides,
                                                    choose_fusion_weight, score_dev)
    from policyqa.index.rerank import Reranker
    from policyqa.index.service import load_retriever

    config = Config.load(reranker="off", index_dir=args.index)
    artifact = Path(args.artifact)
    model = RelevanceModel.load(config.model_cache / MODEL_DIR_NAME, artifact)
    model.card = replace(model.card, fusion_weight=0.0)
    retriever = load_retriever(config, reranker=Reranker(model))
    scored = score_dev([retriever])
    weight, mrr = choose_fusion_weight(scored)
    answerable, figures = choose_answerable(scored, weight)
    model.card = replace(model.card, fusion_weight=weight, answerable=answerable)
    assistant = Assistant(retriever, config=config)
    tried = {}
    for value in DECIDES_GRID:   # the assistant reads the threshold from the model's card
        model.card = replace(model.card, decides=value)
        tried[value] = compliance_figures(assistant, VERDICT_DEV)
    decides = choose_decides({v: f[WITHHELD] for v, f in tried.items()})
    verdicts = {f"dev_verdict_d{v}": [round(f[RIGHT], 3), round(f[WITHHELD], 3)] for v, f in tried.items()}
    card = replace(RelevanceCard.read(artifact), fusion_weight=weight, answerable=round(answerable, 4),
                   decides=round(max(decides, answerable), 4), dev=figures | mrr | verdicts)
    card.write(artifact)
    print(f"fusion_weight {card.fusion_weight}  answerable {card.answerable}  decides {card.decides}  {card.dev}")
    return 0


def _gzip(src: Path, dest: Path) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    with src.open("rb") as f, gzip.GzipFile(filename="", mode="wb", fileobj=dest.open("wb"), mtime=0) as g:
        shutil.copyfileobj(f, g)


def add_commands(sub) -> None:
    """The ``relevance`` command group."""
    p = sub.add_parser("relevance", help="Rebuild the relevance model (reranking, answerability, verdicts).",
                       description="Rebuild the relevance model: mine training data, train on CPU, calibrate on dev questions.")
    steps = p.add_subparsers(dest="step", required=True)
    d = steps.add_parser("data", help="mine training groups with the retriever's hard negatives")
    d.add_argument("--wild-index", required=True, help="an index holding ../shared/corpus-wild (policyqa ingest)")
    d.add_argument("--library-index", help="an index of the bundled corpus: add its adaptation questions (in-library model)")
    d.add_argument("--shared", default=str(SHARED), help="the shared data folder (default ../shared)")
    d.add_argument("--out", default=str(TRAINING_GROUPS), help=f"output (default {TRAINING_GROUPS.name} in the artifact)")
    d.set_defaults(func=run_data)
    t = steps.add_parser("train", help="train from the pinned groups (fixed seeds; 2 CPU cores suffice)")
    t.add_argument("--data", default=str(TRAINING_GROUPS), help="gzipped groups (default: the pinned ones)")
    t.add_argument("--out", default=str(ARTIFACT_DIR), help="artifact folder (default: the shipped one)")
    t.add_argument("--epochs", type=float, default=1.0, help="passes over the groups (default 1)")
    t.set_defaults(func=run_train)
    c = steps.add_parser("calibrate", help="choose the refusal threshold on dev questions")
    c.add_argument("--index", required=True, help="an index holding corpus-wild and the bundled corpus")
    c.add_argument("--artifact", default=str(ARTIFACT_DIR), help="artifact folder (default: the shipped one)")
    c.set_defaults(func=run_calibrate)
