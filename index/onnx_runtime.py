"""Inference on ONNX Runtime: the embedder and the relevance model without torch or transformers.

The models are exported and checked against torch by :mod:`policyqa.index.onnx_export` (the only
place that needs torch); this module reads what that wrote: ``<model folder>/onnx/`` holds
``encoder.fp32.onnx`` and ``encoder.int8.onnx`` and a stamp naming the model they were checked
against and the lowest cosine of each. A folder whose stamp is missing or stale is rebuilt on
first use.

Throughput comes from the batching as much as from the graph: texts are sorted by token count and cut
into batches of at most :data:`TOKEN_BUDGET` padded tokens, so little is padded and the activations
stay in the cores' caches (on 2 cores, 400 real passages: 77 passages/s in batches of 32, 115 in
batches of 512 tokens; see docs/speed.md).
"""
from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from functools import cached_property
from pathlib import Path

import numpy as np

from policyqa.errors import ModelUnavailable
from policyqa.index.embedder import check_model_folder, folder_model_id, read_stamp, usable_cpus

ONNX_DIR = "onnx"
ENCODER_FILES = {"fp32": "encoder.fp32.onnx", "int8": "encoder.int8.onnx"}
"""The embedder's exports by precision: fp32 (the fused graph: the torch model's vectors, cosine
1.0000) and int8 (~40 % faster, cosine ≥ 0.994, but it moves borderline retrievals: docs/speed.md)."""
RELEVANCE_FILES = {"fp32": "relevance.fp32.onnx", "int8": "relevance.int8.onnx"}
ONNX_STAMP = "onnx-build.json"
ONNX_FORMAT = 1
"""Bump when the exported graph or its quantisation changes, so old exports are rebuilt."""
MIN_COSINE = 0.99
"""The lowest cosine, over the check's passages and questions, an export of either precision may
have with torch."""
TOKEN_BUDGET = 512
"""Padded tokens per batch (rows × longest row). Measured on 2 cores over 400 passages of the
real library: 110 / 115 / 115 / 112 passages/s at 128 / 256 / 512 / 1024 tokens, 77 with
batches of 32 passages."""
BACKENDS = {"fp32": "onnx-fp32", "int8": "onnx-int8"}


def onnx_folder(model_folder: Path) -> Path:
    """Where the ONNX export of ``model_folder`` lives."""
    return Path(model_folder) / ONNX_DIR


def export_is_current(export: Path, source_id: str, files: Sequence[str] = tuple(ENCODER_FILES.values())) -> bool:
    """True when ``export`` holds ``files`` exported by this format from the model ``source_id``
    and its stamp says they passed the check against torch."""
    stamp = read_stamp(export / ONNX_STAMP)
    return (stamp.get("format") == ONNX_FORMAT and stamp.get("source_model_id") == source_id
            and stamp.get("passed") is True and all((export / file).is_file() for file in files))


def session(path: Path, threads: int | None = None):
    """An ONNX Runtime CPU session on ``path`` using ``threads`` cores (default: all usable),
    quiet (warnings only as errors)."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = threads or usable_cpus()
    options.inter_op_num_threads = 1
    options.log_severity_level = 3
    # No busy-waiting between operators: the page runs several questions at once.
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    try:
        return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
    except Exception as err:  # a damaged or foreign file: one line, with the repair
        raise ModelUnavailable(f"无法加载 ONNX 模型 {path}：{str(err).splitlines()[0] if str(err) else err}；"
                               f"删除 {path.parent} 后重新运行（会重新导出），或设置 POLICYQA_BACKEND=torch") from err


def padded_batches(lengths: Sequence[int], budget: int = TOKEN_BUDGET) -> Iterator[list[int]]:
    """Row indices grouped into batches, shortest texts first, each batch's rows × longest row at
    most ``budget`` (a longer text is a batch of its own)."""
    order = sorted(range(len(lengths)), key=lambda i: lengths[i])
    batch: list[int] = []
    for i in order:
        if batch and (len(batch) + 1) * lengths[i] > budget:
            yield batch
            batch = []
        batch.append(i)
    if batch:
        yield batch


def id_arrays(encodings: Sequence, pad_id: int) -> tuple[np.ndarray, np.ndarray]:
    """``input_ids`` and ``attention_mask`` (int64) of ``tokenizers`` encodings, right-padded."""
    width = max(len(e.ids) for e in encodings)
    ids = np.full((len(encodings), width), pad_id, dtype=np.int64)
    mask = np.zeros((len(encodings), width), dtype=np.int64)
    for row, encoding in enumerate(encodings):
        ids[row, : len(encoding.ids)] = encoding.ids
        mask[row, : len(encoding.ids)] = 1
    return ids, mask


class FolderTokenizer:
    """The fast tokenizer of a model folder (its ``tokenizer.json``), loaded once per process and
    shared by the embedder and the relevance model (reading the 250,002 pieces takes ~0.6 s).
    Each call says where to truncate (the longer text of a pair first, as transformers'
    ``longest_first``); calls are serialised, since the truncation is the tokenizer's state."""

    def __init__(self, folder: Path) -> None:
        from tokenizers import Tokenizer

        path = folder / "tokenizer.json"
        if not path.is_file():
            raise ModelUnavailable(f"{folder} 没有 tokenizer.json，ONNX 后端无法分词：设置 POLICYQA_BACKEND=torch")
        self._tokenizer = Tokenizer.from_file(str(path))
        self._tokenizer.no_padding()
        self._lock = threading.Lock()
        self.pad_id = _pad_id(folder, self._tokenizer)

    def encode(self, inputs: Sequence[str | tuple[str, str]], max_length: int) -> list:
        """``tokenizers`` encodings (with the special tokens) of texts or (text, text) pairs."""
        with self._lock:
            self._tokenizer.enable_truncation(max_length, strategy="longest_first")
            return self._tokenizer.encode_batch(list(inputs))


_TOKENIZERS: dict[Path, FolderTokenizer] = {}
_TOKENIZERS_LOCK = threading.Lock()


def folder_tokenizer(folder: Path) -> FolderTokenizer:
    """The shared :class:`FolderTokenizer` of ``folder``."""
    key = Path(folder).resolve()
    with _TOKENIZERS_LOCK:
        if key not in _TOKENIZERS:
            _TOKENIZERS[key] = FolderTokenizer(key)
        return _TOKENIZERS[key]


def _pad_id(folder: Path, tokenizer) -> int:
    """The padding token's id from the folder's special-token map (``<pad>`` / ``[PAD]``)."""
    names = read_stamp(folder / "special_tokens_map.json")
    pad = names.get("pad_token", "<pad>")
    pad = pad.get("content", "<pad>") if isinstance(pad, dict) else pad
    found = tokenizer.token_to_id(pad)
    return 0 if found is None else int(found)


def pooling_mode(folder: Path) -> str:
    """``mean`` or ``cls``: how the folder's sentence-transformers pooling reads the token states."""
    config = read_stamp(folder / "1_Pooling" / "config.json")
    if config.get("pooling_mode") in ("mean", "cls"):
        return str(config["pooling_mode"])
    if config.get("pooling_mode_cls_token"):
        return "cls"
    return "mean"


def max_seq_length(folder: Path) -> int:
    """The longest input the model reads (sentence-transformers' ``max_seq_length``, else 512)."""
    return int(read_stamp(folder / "sentence_bert_config.json").get("max_seq_length") or 512)


def pool(hidden: np.ndarray, mask: np.ndarray, mode: str) -> np.ndarray:
    """Unit-length sentence vectors from token states: masked mean or the first token."""
    if mode == "cls":
        vectors = hidden[:, 0, :]
    else:
        weights = mask[..., None].astype(np.float32)
        vectors = (hidden * weights).sum(1) / np.maximum(weights.sum(1), 1.0)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return (vectors / np.maximum(norms, 1e-12)).astype(np.float32)


class OnnxEmbedder:
    """Embeds with the ONNX export of a sentence-transformers folder (see module doc).

    ``model_id`` is the folder's, the same as the torch embedder's: an index built by either
    backend is queried by the other only because the export was checked against torch (its stamp
    says so; :meth:`Manifest.check_backend`). Nothing is read until first use.
    """

    def __init__(self, folder: Path, *, precision: str = "fp32", query_prefix: str = "query: ",
                 passage_prefix: str = "passage: ", num_threads: int | None = None, budget: int = TOKEN_BUDGET,
                 export: Path | None = None) -> None:
        """``precision``: ``fp32`` or ``int8`` (:data:`ENCODER_FILES`). ``export`` defaults to
        ``<folder>/onnx``; a different one (a build's staging folder) is read without its stamp,
        for the build's own check."""
        if precision not in ENCODER_FILES:
            raise ValueError(f"precision must be one of {sorted(ENCODER_FILES)}, got {precision}")
        self.precision, self.backend = precision, BACKENDS[precision]
        self.folder = Path(folder)
        self.export = Path(export) if export is not None else onnx_folder(self.folder)
        self._stamped = export is None
        self.query_prefix, self.passage_prefix = query_prefix, passage_prefix
        self.num_threads, self.budget = num_threads, budget
        self._session = None
        self._tokenizer = None
        self._load_lock = threading.Lock()

    @cached_property
    def model_id(self) -> str:
        """The model folder's id (:func:`folder_model_id`)."""
        check_model_folder(self.folder)
        return folder_model_id(self.folder, self.query_prefix, self.passage_prefix)

    @cached_property
    def dim(self) -> int:
        """Embedding size (from the exported graph's output)."""
        return int(self._loaded().get_outputs()[0].shape[-1])

    def load(self) -> OnnxEmbedder:
        """Open the session; raises ModelUnavailable when the export is missing or stale."""
        self._loaded()
        return self

    def _loaded(self):
        if self._session is not None:
            return self._session
        with self._load_lock:   # the first caller loads (perhaps a warm-up thread), the others wait
            if self._session is not None:
                return self._session
            if self._stamped and not export_is_current(self.export, self.model_id):
                raise ModelUnavailable(f"{self.export} 不是 {self.folder.name} 的当前 ONNX 导出："
                                       "运行 policyqa ingest 重新导出，或设置 POLICYQA_BACKEND=torch")
            self._tokenizer = folder_tokenizer(self.folder)
            self._max_length = max_seq_length(self.folder)
            self._pooling = pooling_mode(self.folder)
            self._session = session(self.export / ENCODER_FILES[self.precision], self.num_threads)
            return self._session

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        """Embed questions with the query prefix."""
        return self._encode(texts, self.query_prefix)

    def embed_passages(self, texts: Sequence[str], *, progress: bool = False) -> np.ndarray:
        """Embed clauses with the passage prefix (``progress`` is the builder's job here)."""
        return self._encode(texts, self.passage_prefix)

    def _encode(self, texts: Sequence[str], prefix: str) -> np.ndarray:
        sess = self._loaded()
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        encodings = self._tokenizer.encode([prefix + t for t in texts], self._max_length)
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for rows in padded_batches([len(e.ids) for e in encodings], self.budget):
            ids, mask = id_arrays([encodings[i] for i in rows], self._tokenizer.pad_id)
            hidden = sess.run(None, {"input_ids": ids, "attention_mask": mask})[0]
            out[rows] = pool(hidden, mask, self._pooling)
        return out
