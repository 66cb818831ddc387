"""Encode a per-code-point normalisation map as a SentencePiece ``precompiled_charsmap``.

The ``tokenizers`` library's ``Precompiled`` normaliser (the one XLM-R's ``tokenizer.json`` uses)
reads a u32 trie size, a darts-clone double-array trie over UTF-8 keys, then NUL-terminated
replacement strings; a trie leaf holds the byte offset of its replacement. Unit layout, as read
by the ``spm_precompiled`` crate: bits 0-7 label, bit 8 "has leaf", bits 10-30 offset; a leaf
unit has bit 31 set and the value in bits 0-30. A child of the node at ``p`` with offset ``o`` and
byte ``c`` sits at ``p ^ o ^ c``; the leaf sits at ``p ^ o``.
"""
from __future__ import annotations

import struct
from collections import deque
from dataclasses import dataclass, field

_LEAF_FLAG = 1 << 31
_HAS_LEAF = 1 << 8
_MAX_OFFSET = 1 << 21  # larger offsets need darts' extension bit; never needed at this size


@dataclass
class _Node:
    children: dict[int, _Node] = field(default_factory=dict)
    value: int | None = None


def precompiled_charsmap(char_map: dict[int, str]) -> bytes:
    """Serialise ``{code point: replacement}`` for ``tokenizers.normalizers.Precompiled``."""
    replacements, offsets = _replacement_blob(char_map.values())
    root = _Node()
    for code_point, out in char_map.items():
        node = root
        for byte in chr(code_point).encode("utf-8"):
            node = node.children.setdefault(byte, _Node())
        node.value = offsets[out]
    units = _DoubleArray().build(root)
    trie = struct.pack(f"<{len(units)}I", *units)
    return struct.pack("<I", len(trie)) + trie + replacements


def _replacement_blob(outputs) -> tuple[bytes, dict[str, int]]:
    """Each distinct replacement once, NUL-terminated; returns the blob and each one's offset."""
    blob = bytearray()
    offsets: dict[str, int] = {}
    for out in sorted(set(outputs)):
        offsets[out] = len(blob)
        blob += out.encode("utf-8") + b"\0"
    return bytes(blob), offsets


class _DoubleArray:
    """Greedy darts-clone construction: place each node's children at the first base that fits."""

    def __init__(self) -> None:
        self.units: list[int] = []
        self.used: list[bool] = []
        self.free_in_block: list[int] = []
        self.bases: set[int] = set()
        self.search_from = 1
        self._grow(0)
        self._place(0, 0)  # the root

    def build(self, root: _Node) -> list[int]:
        """Lay the trie out and return the units, padded to a multiple of 256 entries."""
        queue: deque[tuple[_Node, int]] = deque([(root, 0)])
        while queue:
            node, pos = queue.popleft()
            labels = sorted(node.children) + ([0] if node.value is not None else [])
            if not labels:
                continue
            base = self._find_base(labels)
            offset = pos ^ base
            if offset >= _MAX_OFFSET:
                raise ValueError("normalisation map too large for a plain double array")
            self.units[pos] |= offset << 10 | (_HAS_LEAF if node.value is not None else 0)
            if node.value is not None:
                self._place(base, _LEAF_FLAG | node.value)
            for label, child in sorted(node.children.items()):
                self._place(base ^ label, label)
                queue.append((child, base ^ label))
        return self.units

    def _find_base(self, labels: list[int]) -> int:
        """First unused base whose slots ``base ^ label`` are all free; all lie in one block."""
        block = self.search_from >> 8
        while True:
            self._grow(block << 8)
            if self.free_in_block[block] >= len(labels):
                for slot in range(max(block << 8, self.search_from), (block + 1) << 8):
                    base = slot ^ labels[0]
                    if self.used[slot] or base in self.bases:
                        continue
                    if not any(self.used[base ^ label] for label in labels):
                        self.bases.add(base)
                        return base
            block += 1

    def _place(self, index: int, unit: int) -> None:
        self.units[index] = unit
        self.used[index] = True
        self.free_in_block[index >> 8] -= 1
        while self.used[self.search_from]:
            self.search_from += 1
            self._grow(self.search_from)

    def _grow(self, index: int) -> None:
        """Extend the array by whole 256-unit blocks so that ``index`` exists (lookups XOR a byte)."""
        while len(self.units) <= index:
            self.units.extend([0] * 256)
            self.used.extend([False] * 256)
            self.free_in_block.append(256)
