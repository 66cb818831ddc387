"""The E5S1 reader: Q4_0 nibble order and scale on a hand-made block, and the bundled file's shape."""
import struct

import numpy as np
import pytest

from policyqa.index.e5_bin import E5Bin, dequantize_q4_0
from policyqa.index.model_build import source_bin


def test_q4_0_block_puts_low_nibbles_first_then_high_nibbles():
    # byte j = (high nibble j+16) << 4 | (low nibble j); value = (nibble - 8) * scale
    low = list(range(16))
    high = [15 - j for j in range(16)]
    block = struct.pack("<e", 0.5) + bytes((h << 4) | lo for lo, h in zip(low, high))

    values = dequantize_q4_0(block, 32)

    expected = [(n - 8) * 0.5 for n in low + high]
    assert values.dtype == np.float32
    assert values.tolist() == expected


def test_q4_0_blocks_each_use_their_own_scale():
    blocks = struct.pack("<e", 1.0) + bytes([0x99] * 16) + struct.pack("<e", -2.0) + bytes([0x00] * 16)

    values = dequantize_q4_0(blocks, 64)

    assert values[:32].tolist() == [1.0] * 32  # nibble 9 -> +1 × 1.0
    assert values[32:].tolist() == [16.0] * 32  # nibble 0 -> -8 × -2.0


def test_bundled_file_is_multilingual_e5_small():
    model = E5Bin.from_path(source_bin())

    h = model.header
    assert (h.hidden, h.layers, h.heads, h.ffn, h.max_positions) == (384, 12, 12, 1536, 512)
    assert h.vocab_rows == 250_037 and len(model.vocab.pieces) == 250_002
    assert [model.vocab.pieces[i] for i in (model.vocab.bos, model.vocab.pad, model.vocab.eos, model.vocab.unk)] == [
        "<s>", "<pad>", "</s>", "<unk>"
    ]
    assert model.vocab.char_map[0xFF0C] == ","  # full-width comma is normalised
    assert 0x3002 not in model.vocab.char_map  # the ideographic full stop is kept
    assert model.tensor("emb.word").shape == (250_037 * 384,)
    assert model.tensor("l11.fo.w").shape == (384 * 1536,)


def test_a_file_without_the_magic_is_rejected():
    with pytest.raises(ValueError, match="E5S1"):
        E5Bin(b"GGUF" + bytes(64))
