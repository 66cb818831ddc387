"""The double-array charsmap, read back by the ``tokenizers`` Precompiled normaliser."""
from tokenizers import normalizers

from policyqa.index.charsmap import precompiled_charsmap
from policyqa.index.e5_bin import E5Bin
from policyqa.index.model_build import source_bin


def test_small_map_replaces_deletes_and_keeps():
    char_map = {0xFF0C: ",", 0x3000: " ", 0x07: "", 0xFB01: "fi", 0x1D400: "A"}
    normaliser = normalizers.Precompiled(precompiled_charsmap(char_map))

    assert normaliser.normalize_str("甲，乙\u3000丙\x07ﬁ𝐀。") == "甲,乙 丙fiA。"


def test_every_entry_of_the_bundled_map_and_its_neighbours_round_trip():
    char_map = E5Bin.from_path(source_bin()).vocab.char_map
    normaliser = normalizers.Precompiled(precompiled_charsmap(char_map))

    for code_point, replacement in char_map.items():
        assert normaliser.normalize_str(chr(code_point)) == replacement, hex(code_point)
    unmapped = {cp + d for cp in char_map for d in (-1, 1)} - set(char_map)
    for code_point in sorted(unmapped):
        if code_point > 0 and not 0xD800 <= code_point < 0xE000:
            assert normaliser.normalize_str(chr(code_point)) == chr(code_point), hex(code_point)
