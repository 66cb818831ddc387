"""Embedders: the hashing embedder's contract, and sentence-transformers folder handling."""
import zlib

import numpy as np
import pytest

from policyqa.errors import ModelUnavailable
from policyqa.index.embedder import HashEmbedder, SentenceTransformerEmbedder

TEXTS = ["义务教育法第二十七条", "义务教育阶段的课后服务", "幼儿园保育员配备", "", "   "]


def test_hash_embedder_gives_unit_float32_rows():
    vectors = HashEmbedder(dim=64).embed_passages(TEXTS)

    assert vectors.shape == (len(TEXTS), 64) and vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, rtol=1e-6)


def test_hash_embedder_is_deterministic_and_treats_queries_like_passages():
    first, second = HashEmbedder(), HashEmbedder()

    np.testing.assert_array_equal(first.embed_queries(TEXTS), second.embed_passages(TEXTS))
    assert first.model_id == second.model_id != HashEmbedder(dim=128).model_id


def test_hash_embedder_buckets_a_character_by_crc32_with_a_sign():
    code = zlib.crc32("义".encode("utf-8"))
    expected = np.zeros(256, dtype=np.float32)
    expected[code % 256] = 1.0 if code & 0x80000000 else -1.0

    np.testing.assert_array_equal(HashEmbedder(dim=256).embed_queries(["义"])[0], expected)


def test_hash_embedder_scores_shared_characters_higher():
    vectors = HashEmbedder().embed_passages(["义务教育法", "义务教育法的规定", "幼儿园保育员"])

    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2]


def test_hash_embedder_handles_no_texts_and_rejects_a_tiny_dim():
    assert HashEmbedder(dim=32).embed_queries([]).shape == (0, 32)
    with pytest.raises(ValueError):
        HashEmbedder(dim=1)


def test_missing_model_folder_raises_model_unavailable(tmp_path):
    embedder = SentenceTransformerEmbedder(tmp_path / "no-such-model")

    with pytest.raises(ModelUnavailable, match="no-such-model"):
        embedder.load()
    with pytest.raises(ModelUnavailable):
        embedder.model_id


def test_folder_without_model_files_raises_model_unavailable(tmp_path):
    (tmp_path / "README.md").write_text("not a model", encoding="utf-8")

    with pytest.raises(ModelUnavailable, match="modules.json"):
        SentenceTransformerEmbedder(tmp_path).load()


def test_folder_with_a_broken_config_raises_model_unavailable(tmp_path):
    (tmp_path / "config.json").write_text("{broken", encoding="utf-8")

    with pytest.raises(ModelUnavailable, match="无法加载嵌入模型"):
        SentenceTransformerEmbedder(tmp_path).load()


def test_embedding_without_load_loads_first_and_reports_a_missing_folder(tmp_path):
    with pytest.raises(ModelUnavailable, match="no-such-model"):
        SentenceTransformerEmbedder(tmp_path / "no-such-model").embed_queries(["问题"])


@pytest.mark.model
def test_sentence_transformer_embedder_on_the_built_model(e5_model_dir):
    embedder = SentenceTransformerEmbedder(e5_model_dir, batch_size=2).load()

    passages = embedder.embed_passages(TEXTS[:3])
    assert passages.shape == (3, 384) and passages.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(passages, axis=1), 1.0, rtol=1e-5)
    assert embedder.embed_queries([]).shape == (0, 384)
    assert embedder.model_id.startswith("multilingual-e5-small-")
    assert embedder.model_id == SentenceTransformerEmbedder(e5_model_dir).model_id
    assert embedder.model_id != SentenceTransformerEmbedder(e5_model_dir, query_prefix="").model_id
