"""The ONNX Runtime backend: export checked against torch, batching, the torch-free query path."""
from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from policyqa.config import Config
from policyqa.errors import IndexMismatch
from policyqa.index.builder import ProgressBar
from policyqa.index.manifest import Manifest
from policyqa.index.onnx_runtime import (
    MIN_COSINE, ONNX_STAMP, OnnxEmbedder, export_is_current, onnx_folder, padded_batches)

PASSAGES = [
    "《中华人民共和国义务教育法》\n第二十七条 对违反学校管理制度的学生，学校应当予以批评教育，不得开除。",
    "各地要把课程教学改革作为教育综合改革的重要内容，强化课程育人功能，全面提升育人质量。",
    "学校应当保障未成年学生受教育的权利。" * 60,   # longer than the model reads
]


def test_batches_hold_every_row_once_within_the_token_budget():
    lengths = [5, 300, 40, 40, 41, 700, 12, 90]
    batches = list(padded_batches(lengths, budget=128))
    assert sorted(i for b in batches for i in b) == list(range(len(lengths)))
    for batch in batches:
        assert len(batch) == 1 or len(batch) * max(lengths[i] for i in batch) <= 128
    firsts = [lengths[b[0]] for b in batches]
    assert firsts == sorted(firsts)   # shortest first: rows of similar length share a batch


def test_an_index_from_another_backend_is_refused_unless_the_two_were_checked():
    manifest = Manifest("m", 384, "t", backend="torch")
    manifest.check_backend("torch", checked=False)
    manifest.check_backend("onnx-int8", checked=True)
    with pytest.raises(IndexMismatch, match="POLICYQA_BACKEND=torch"):
        manifest.check_backend("onnx-int8", checked=False)
    Manifest("m", 384, "t").check_backend("torch", checked=False)   # older indexes: torch


def test_backend_setting_is_checked():
    assert Config.load(backend="torch").backend == "torch"
    with pytest.raises(ValueError, match="POLICYQA_BACKEND"):
        Config.load(backend="tensorflow")


def test_progress_bar_writes_one_line_per_tenth_with_time_left():
    stream = io.StringIO()
    bar = ProgressBar(total=100, work=1000, stream=stream)
    for _ in range(20):
        bar.advance(5, 50)
    bar.close()
    lines = stream.getvalue().splitlines()
    assert 8 <= len(lines) <= 11
    assert all("预计剩余" in line and "段" in line for line in lines)
    assert lines[-1].startswith("嵌入 [" + "█" * ProgressBar.WIDTH + "]") and "100/100" in lines[-1]


@pytest.fixture(scope="module", params=["fp32", "int8"])
def onnx_embedder(request, e5_model_dir):
    from policyqa.index.onnx_export import ensure_onnx_encoder

    ensure_onnx_encoder(e5_model_dir)
    return OnnxEmbedder(e5_model_dir, precision=request.param).load()


@pytest.mark.model
def test_export_is_stamped_with_its_check_against_torch(onnx_embedder, e5_model_dir):
    stamp = json.loads((onnx_folder(e5_model_dir) / ONNX_STAMP).read_text("utf-8"))
    assert stamp["passed"] is True and min(stamp["min_cosine"].values()) >= MIN_COSINE
    assert stamp["min_cosine"]["fp32"] >= 0.9999   # the fused float32 graph computes torch's vectors
    assert stamp["check"]["questions"] >= 20 and stamp["check"]["passages"] >= 60
    assert export_is_current(onnx_folder(e5_model_dir), onnx_embedder.model_id)
    assert not export_is_current(onnx_folder(e5_model_dir), "another-model")


@pytest.mark.model
def test_onnx_vectors_agree_with_torch_and_share_its_model_id(onnx_embedder, e5_embedder):
    assert onnx_embedder.model_id == e5_embedder.model_id and onnx_embedder.dim == e5_embedder.dim == 384
    ours, theirs = onnx_embedder.embed_passages(PASSAGES), e5_embedder.embed_passages(PASSAGES)
    assert np.allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-4)
    assert np.min(np.sum(ours * theirs, axis=1)) >= (0.9999 if onnx_embedder.precision == "fp32" else MIN_COSINE)
    question = ["学校可以开除义务教育阶段的学生吗？"]
    assert float((onnx_embedder.embed_queries(question) @ e5_embedder.embed_queries(question).T)[0, 0]) >= MIN_COSINE
    # alone or batched with others: the same vector (int8 activations are scaled per batch: nearly)
    alone = onnx_embedder.embed_passages(PASSAGES[:1])
    assert float(alone[0] @ ours[0]) >= (0.99999 if onnx_embedder.precision == "fp32" else 0.995)


@pytest.mark.model
def test_onnx_relevance_model_agrees_with_torch(e5_model_dir, tmp_path):
    from policyqa.index.onnx_export import MAX_PROBABILITY_GAP, check_relevance, ensure_onnx_relevance
    from policyqa.index.relevance import OnnxRelevanceModel, RelevanceModel

    export = ensure_onnx_relevance(e5_model_dir, e5_model_dir.parent)
    torch_model = RelevanceModel.load(e5_model_dir)
    for precision, most in (("fp32", 0.001), ("int8", MAX_PROBABILITY_GAP)):
        onnx_model = OnnxRelevanceModel(export, e5_model_dir, torch_model.card, torch_model.digest, precision=precision)
        gap, counts = check_relevance(torch_model, onnx_model)
        assert gap <= most and counts["pairs"] >= 60
        probs = onnx_model.probabilities("学校能开除学生吗？", PASSAGES[:2])
        assert probs.shape == (2,) and probs[0] > probs[1]


@pytest.mark.model
def test_asking_loads_no_torch_and_prints_nothing_on_stderr(e5_corpus_index, onnx_embedder):
    """`policyqa ask` on the default backend, in a fresh process, over an index built by torch
    (accepted: the export was checked against it)."""
    env = {**os.environ, "POLICYQA_INDEX": str(e5_corpus_index.index_dir),
           "POLICYQA_CACHE": str(e5_corpus_index.model_cache), "POLICYQA_BACKEND": "onnx", "HF_HUB_OFFLINE": "1"}
    code = ("import sys\nfrom policyqa.cli import main\ncode = main(['ask', '学校能开除学生吗？'])\n"
            "print('TORCH' if 'torch' in sys.modules else 'NO-TORCH', 'transformers' in sys.modules)\n"
            "sys.exit(code)")
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert done.stdout.rstrip().endswith("NO-TORCH False"), done.stdout
    assert "开除" in done.stdout and "[1]" in done.stdout
