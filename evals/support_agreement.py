"""How often the support judge agrees with hand labels on (claim, cited clauses) pairs.

    python -m policyqa.evals.support_agreement [--pairs FILE] [--threshold T] [--embedder]

The pairs (``evals/data/support_pairs.jsonl``) were written by reading the corpus: one answer
sentence, the clause texts it cites, and whether they support it. Half are unsupported, many
subtly (a changed number, 不得 flipped to 可以, a swapped subject, a fact from another clause).
The ``dev`` split was used to design the judge's rules; the ``heldout`` split was written after
the rules were fixed and only measured.
"""
from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from policyqa.assistant.support import ClaimJudge, SupportJudge
from policyqa.errors import PolicyQAError

__all__ = ["Agreement", "BUNDLED_PAIRS", "LabelledPair", "load_pairs", "measure_agreement"]

BUNDLED_PAIRS = Path(__file__).parent / "data" / "support_pairs.jsonl"


@dataclass(frozen=True)
class LabelledPair:
    """One hand-labelled case: does ``evidence`` support ``claim``?"""

    id: str
    claim: str
    evidence: tuple[str, ...]
    supported: bool
    kind: str
    split: str


@dataclass(frozen=True)
class Agreement:
    """Judge vs. hand labels; "positive" means *unsupported* (what the judge must catch)."""

    total: int
    correct: int
    true_unsupported: int       # labelled unsupported, judged unsupported
    judged_unsupported: int
    labelled_unsupported: int
    misses: tuple[str, ...]     # ids the judge got wrong

    @property
    def accuracy(self) -> float:
        """Share of pairs judged as labelled."""
        return self.correct / self.total if self.total else 0.0

    @property
    def unsupported_precision(self) -> float:
        """Of the sentences judged unsupported, the share labelled unsupported."""
        return self.true_unsupported / self.judged_unsupported if self.judged_unsupported else 1.0

    @property
    def unsupported_recall(self) -> float:
        """Of the sentences labelled unsupported, the share the judge caught."""
        return self.true_unsupported / self.labelled_unsupported if self.labelled_unsupported else 1.0


def load_pairs(path: Path = BUNDLED_PAIRS) -> list[LabelledPair]:
    """Read a pairs JSONL file; raises PolicyQAError naming the file and line of a bad line."""
    pairs = []
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            r = json.loads(line)
            pairs.append(LabelledPair(r["id"], r["claim"], tuple(r["evidence"]), bool(r["supported"]),
                                      r.get("kind", ""), r.get("split", "dev")))
        except (ValueError, KeyError, TypeError) as err:
            raise PolicyQAError(f"{path} 第 {number} 行不是标注样本（{err}）：需要 id、claim、evidence、supported") from None
    return pairs


def measure_agreement(judge: ClaimJudge, pairs: Sequence[LabelledPair]) -> Agreement:
    """Judge every pair and count agreement with the labels."""
    verdicts = [(p, judge.judge(p.claim, p.evidence).supported) for p in pairs]
    return Agreement(
        total=len(pairs), correct=sum(p.supported == v for p, v in verdicts),
        true_unsupported=sum(not p.supported and not v for p, v in verdicts),
        judged_unsupported=sum(not v for _, v in verdicts),
        labelled_unsupported=sum(not p.supported for p in pairs),
        misses=tuple(p.id for p, v in verdicts if p.supported != v),
    )


def _line(name: str, a: Agreement) -> str:
    return (f"| {name} | {a.total} | {a.accuracy:.3f} | {a.unsupported_precision:.3f} | "
            f"{a.unsupported_recall:.3f} | {', '.join(a.misses) or '–'} |")


def main(argv: Sequence[str] | None = None) -> int:
    """Print agreement overall, per split and per kind of pair."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=Path, default=BUNDLED_PAIRS)
    parser.add_argument("--threshold", type=float, default=None)
    parser.add_argument("--embedder", action="store_true", help="add e5 similarity (builds/loads the model)")
    args = parser.parse_args(argv)
    embedder = None
    if args.embedder:
        from policyqa.config import Config
        from policyqa.index.service import load_embedder
        embedder = load_embedder(Config.load())
    judge = SupportJudge(embedder) if args.threshold is None else SupportJudge(embedder, threshold=args.threshold)
    pairs = load_pairs(args.pairs)
    print("| pairs | n | accuracy | precision (unsupported) | recall (unsupported) | misses |\n|---|---|---|---|---|---|")
    print(_line("all", measure_agreement(judge, pairs)))
    for group in sorted({p.split for p in pairs}) + sorted({p.kind for p in pairs}):
        chosen = [p for p in pairs if group in (p.split, p.kind)]
        print(_line(group, measure_agreement(judge, chosen)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
