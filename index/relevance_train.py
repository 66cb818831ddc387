"""Training the relevance model from a groups file (``relevance_data``), reproducibly on CPU.

    policyqa relevance train --data FILE [--out DIR] [--epochs N]

Each step reads ``GROUPS_PER_STEP`` questions, each with one of its positives (when it has any)
and up to ``TEXTS_PER_GROUP - 1`` of its negatives. The loss is the sum of a pointwise binary
cross-entropy (the probability the assistant thresholds) and, for groups with a positive, a
listwise softmax cross-entropy (the positive above its negatives: the ranking). The 6 layers
(or, with ``LORA_RANK`` > 0, low-rank updates of their matrices and their layer norms) and the head
are trained; the e5 embeddings stay frozen. Seeds are fixed; with the same data, settings and torch build the
same weights come out, up to float summation order (oneDNN may pick another kernel in a process
that has run other models).
"""
from __future__ import annotations

import hashlib
import math
import random
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from policyqa.index.relevance import (LORA_TARGETS, WEIGHTS_NAME, RelevanceCard, mean_pool,
                                      truncated_encoder)
from policyqa.index.relevance_data import Group, read_groups

LAYERS = 6
MAX_LENGTH = 128
LORA_RANK = 0
"""0: the 6 layers are fine-tuned whole (stored in float16, ~21 MB); > 0: low-rank updates only.
Measured: rank 16 at learning rate 5e-4 for 850 steps still ranked the positive first in only
0.5–0.7 of its own training groups (underfit), so the layers are trained whole."""
LORA_ALPHA = 32.0
GROUPS_PER_STEP = 4
TEXTS_PER_GROUP = 4
LEARNING_RATE = 8e-5
SEED = 13


def _lora(linear, rank: int, alpha: float, generator):
    """Wrap ``linear`` with a trainable low-rank update (B starts at zero: no change at step 0)."""
    import torch

    class LoRALinear(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.base = linear
            self.lora_A = torch.nn.Parameter(torch.randn(rank, linear.in_features, generator=generator) / math.sqrt(linear.in_features))
            self.lora_B = torch.nn.Parameter(torch.zeros(linear.out_features, rank))
            self.scale = alpha / rank

        def forward(self, x):
            return self.base(x) + (x @ self.lora_A.t() @ self.lora_B.t()) * self.scale

    return LoRALinear()


def _inject(encoder, rank: int, alpha: float, generator) -> dict[str, object]:
    """Replace each target linear with its LoRA wrapper; returns {module path: wrapper}."""
    wrapped = {}
    for i, layer in enumerate(encoder.encoder.layer):
        for target in LORA_TARGETS:
            parent_path, attr = target.rsplit(".", 1)
            parent = layer.get_submodule(parent_path)
            module = _lora(getattr(parent, attr), rank, alpha, generator)
            setattr(parent, attr, module)
            wrapped[f"encoder.layer.{i}.{target}"] = module
    return wrapped


def _steps(groups: Sequence[Group], epochs: float, rng: random.Random) -> list[list[tuple[str, list[str], int]]]:
    """The batches of all steps: per group (question, texts, index of the positive or -1)."""
    order: list[Group] = []
    while len(order) < epochs * len(groups):
        shuffled = list(groups)
        rng.shuffle(shuffled)
        order += shuffled
    order = order[: int(epochs * len(groups))]
    batches = []
    for start in range(0, len(order), GROUPS_PER_STEP):
        batch = []
        for g in order[start:start + GROUPS_PER_STEP]:
            negatives = rng.sample(list(g.negatives), min(len(g.negatives), TEXTS_PER_GROUP - bool(g.positives)))
            if g.positives:
                batch.append((g.question, [rng.choice(g.positives)] + negatives, 0))
            elif negatives:
                batch.append((g.question, negatives, -1))
        batches.append(batch)
    return batches


def train(base_folder: Path, data: Path, out: Path, *, epochs: float = 2.0, seed: int = SEED,
          log: Callable[[str], None] = print) -> RelevanceCard:
    """Train on the groups in ``data`` and write the artifact to ``out``; returns its card (its
    thresholds still the defaults: :mod:`relevance_calibrate` chooses them on dev data)."""
    import torch
    from safetensors.torch import save_file
    from transformers import AutoTokenizer

    torch.manual_seed(seed)
    rng = random.Random(seed)
    generator = torch.Generator().manual_seed(seed)
    groups = read_groups(data)
    digest = hashlib.sha256(data.read_bytes()).hexdigest()
    tokenizer = AutoTokenizer.from_pretrained(base_folder)
    encoder = truncated_encoder(base_folder, LAYERS)
    for p in encoder.parameters():
        p.requires_grad_(False)
    wrapped = _inject(encoder, LORA_RANK, LORA_ALPHA, generator) if LORA_RANK else {}
    tuned = {n: p for n, p in encoder.named_parameters()
             if n.startswith("encoder.layer.") and (not LORA_RANK or "LayerNorm" in n) and "lora_" not in n}
    for p in tuned.values():
        p.requires_grad_(True)
    head = torch.nn.Linear(encoder.config.hidden_size, 1)
    trainable = [p for m in wrapped.values() for p in (m.lora_A, m.lora_B)] + list(tuned.values()) + list(head.parameters())
    optimizer = torch.optim.AdamW(trainable, lr=LEARNING_RATE, weight_decay=0.01)
    batches = _steps(groups, epochs, rng)
    warmup = max(1, len(batches) // 20)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda s: min(1.0, (s + 1) / warmup) * max(0.0, (len(batches) - s) / len(batches)))
    encoder.train()
    started, running = time.perf_counter(), 0.0
    for step, batch in enumerate(batches, 1):
        questions = [q for q, texts, _ in batch for _ in texts]
        texts = [t for _, ts, _ in batch for t in ts]
        labels = torch.tensor([float(i == pos) for _, ts, pos in batch for i in range(len(ts))])
        enc = tokenizer(questions, texts, truncation="longest_first", max_length=MAX_LENGTH,
                        padding=True, return_tensors="pt")
        logits = head(mean_pool(encoder(**enc).last_hidden_state, enc["attention_mask"])).squeeze(-1)
        loss = torch.nn.functional.binary_cross_entropy_with_logits(logits, labels)
        offset, listwise = 0, []
        for _, ts, pos in batch:
            if pos >= 0:
                listwise.append(torch.nn.functional.cross_entropy(logits[offset:offset + len(ts)].unsqueeze(0),
                                                                  torch.tensor([pos])))
            offset += len(ts)
        if listwise:
            loss = loss + torch.stack(listwise).mean()
        optimizer.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(trainable, 1.0)
        optimizer.step()
        schedule.step()
        running = 0.98 * running + 0.02 * loss.item() if step > 1 else loss.item()
        if step % 50 == 0 or step == len(batches):
            log(f"step {step}/{len(batches)} loss {running:.3f} ({time.perf_counter() - started:.0f} s)")
    tensors = {}
    for path, module in wrapped.items():
        tensors[f"{path}.lora_A"] = module.lora_A.detach().to(torch.float16).contiguous()
        tensors[f"{path}.lora_B"] = module.lora_B.detach().to(torch.float16).contiguous()
    for name, p in tuned.items():
        tensors[name.replace(".base.", ".")] = p.detach().to(torch.float16 if not LORA_RANK else p.dtype).clone().contiguous()
    tensors["head.weight"] = head.weight.detach().clone().contiguous()
    tensors["head.bias"] = head.bias.detach().clone().contiguous()
    out.mkdir(parents=True, exist_ok=True)
    save_file(tensors, str(out / WEIGHTS_NAME))
    card = RelevanceCard(layers=LAYERS, max_length=MAX_LENGTH, lora_rank=LORA_RANK, lora_alpha=LORA_ALPHA,
                         answerable=0.5, decides=0.5, data_sha256=digest,
                         sources=tuple(sorted({g.source for g in groups})), groups=len(groups),
                         epochs=epochs, seed=seed)
    card.write(out)
    return card
