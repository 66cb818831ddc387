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
    """The ``relevance`` command group (help texts in Chinese, like the rest of the command)."""
    p = sub.add_parser("relevance", help="重建相关性模型（用于重排序、判断能否作答和合规结论）",
                       description="重建相关性模型：挖掘训练数据、在 CPU 上训练、在开发集问题上校准阈值。")
    steps = p.add_subparsers(dest="step", required=True, title="步骤",
                             help="依次运行 data、train、calibrate；`policyqa relevance <步骤> -h` 查看用法")
    d = steps.add_parser("data", help="挖掘训练组：以检索器找到的难负例为负样本，写成 gzip 压缩的 JSONL",
                         description="挖掘训练组（stard 与 corpus-wild 的训练集，可再加随附语料的适配问题），"
                                     "以检索器找到的难负例为负样本，写成 gzip 压缩的 JSONL。")
    d.add_argument("--wild-index", required=True, help="收录了 ../shared/corpus-wild 的索引文件夹（用 `policyqa ingest` 建立）")
    d.add_argument("--library-index", help="随附语料的索引文件夹：加入其领域适配问题（训练适用于本文库的模型）")
    d.add_argument("--shared", default=str(SHARED), help="共享数据文件夹（默认 ../shared）")
    d.add_argument("--out", default=str(TRAINING_GROUPS), help=f"输出文件（默认：模型产物文件夹中的 {TRAINING_GROUPS.name}）")
    d.set_defaults(func=run_data)
    t = steps.add_parser("train", help="用固定的训练组训练（固定随机种子；2 个 CPU 核即可）",
                         description="用固定的训练组训练相关性模型并写出模型产物；阈值随后由 calibrate 选定。")
    t.add_argument("--data", default=str(TRAINING_GROUPS), help="训练组文件，gzip 压缩（默认：随附的固定数据）")
    t.add_argument("--out", default=str(ARTIFACT_DIR), help="模型产物文件夹（默认：随附的那份，会被覆盖）")
    t.add_argument("--epochs", type=float, default=1.0, help="训练轮数，可为小数（默认 1）")
    t.set_defaults(func=run_train)
    c = steps.add_parser("calibrate", help="在开发集问题上选择融合权重、拒答阈值和结论阈值",
                         description="在开发集问题上选择融合权重、拒答阈值和结论阈值，并写入模型产物的说明卡。")
    c.add_argument("--index", required=True, help="同时收录了 corpus-wild 和随附语料的索引文件夹")
    c.add_argument("--artifact", default=str(ARTIFACT_DIR), help="模型产物文件夹（默认：随附的那份，校准结果写入其中）")
    c.set_defaults(func=run_calibrate)
