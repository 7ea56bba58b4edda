"""text_encoder.py — the text tower of the PyTorch twin: BERT/RoBERTa with PEFT-style LoRA.

  e = LN(word[ids] + position[pos] + token_type[types]), dropout
  h = post-norm layers: LN(dropout(W_o attn) + x), LN(dropout(W₂ GELU(W₁ x)) + x)
  pooled = masked mean over real tokens (or the authors' mean over the padded length)
  LoRA on query/value: y = W₀x + b + (α/r)·B A dropout(x); weights frozen, biases trainable

Hugging Face + PEFT names (`encoder.layer.i.attention.self.query.base_layer.weight`, …),
mirroring Sources/NN/TextEncoder.swift, BertLayer.swift, LoRALinear.swift. Not here: the
ViT towers (vit.py), heads and loss (more_tiny.py).
"""

import math

import torch
import torch.nn as nn
import torch.nn.functional as F

from vit import Holder

class LoRALinear(nn.Module):
    """y = base(x) + (α/r)·B(A(dropout(x))), base frozen, B = 0 at start (PEFT names)."""

    def __init__(self, base, rank, alpha, dropout):
        super().__init__()
        self.base_layer = base
        self.lora_A = nn.Linear(base.in_features, rank, bias=False)
        self.lora_B = nn.Linear(rank, base.out_features, bias=False)
        nn.init.kaiming_uniform_(self.lora_A.weight, a=math.sqrt(5))
        nn.init.zeros_(self.lora_B.weight)
        self.lora_dropout = nn.Dropout(dropout)
        self.scaling = alpha / rank

    def forward(self, x):
        return self.base_layer(x) + self.scaling * self.lora_B(self.lora_A(self.lora_dropout(x)))


class BertSelfAttention(nn.Module):
    def __init__(self, dim, heads, attention_dropout):
        super().__init__()
        self.heads = heads
        self.query, self.key, self.value = nn.Linear(dim, dim), nn.Linear(dim, dim), nn.Linear(dim, dim)
        self.dropout = nn.Dropout(attention_dropout)

    def forward(self, x, mask):                                      # x: [B, T, D], mask: [B, 1, 1, T]
        b, t, d = x.shape

        def split(y):
            return y.reshape(b, t, self.heads, d // self.heads).transpose(1, 2)
        q, k, v = split(self.query(x)), split(self.key(x)), split(self.value(x))
        scores = (q @ k.transpose(-2, -1)) * (d // self.heads) ** -0.5 + mask
        probs = self.dropout(scores.softmax(dim=-1))
        return (probs @ v).transpose(1, 2).reshape(b, t, d)


class BertOutput(nn.Module):
    """LN(dropout(dense(h)) + residual)."""

    def __init__(self, in_dim, dim, eps, dropout):
        super().__init__()
        self.dense, self.LayerNorm, self.dropout = nn.Linear(in_dim, dim), nn.LayerNorm(dim, eps=eps), nn.Dropout(dropout)

    def forward(self, h, residual):
        return self.LayerNorm(self.dropout(self.dense(h)) + residual)


class BertLayer(nn.Module):
    def __init__(self, tc):
        super().__init__()
        d, eps = tc["hidden"], tc["layerNormEps"]
        self.attention = Holder()
        self.attention.self = BertSelfAttention(d, tc["heads"], tc["attentionDropout"])
        self.attention.output = BertOutput(d, d, eps, tc["hiddenDropout"])
        self.intermediate = Holder()
        self.intermediate.dense = nn.Linear(d, tc["intermediate"])
        self.output = BertOutput(tc["intermediate"], d, eps, tc["hiddenDropout"])

    def forward(self, x, mask):
        a = self.attention.output(self.attention.self(x, mask), x)
        return self.output(F.gelu(self.intermediate.dense(a)), a)


class TextEncoder(nn.Module):
    """Embeddings → LN → dropout → post-norm layers → masked (or padded) mean pooling → [B, D]."""

    def __init__(self, tc, pooling):
        super().__init__()
        self.tc, self.pooling = tc, pooling
        d = tc["hidden"]
        self.embeddings = Holder()
        self.embeddings.word_embeddings = nn.Embedding(tc["vocabSize"], d)
        self.embeddings.position_embeddings = nn.Embedding(tc["maxPositions"], d)
        self.embeddings.token_type_embeddings = nn.Embedding(tc["typeVocab"], d)
        self.embeddings.LayerNorm = nn.LayerNorm(d, eps=tc["layerNormEps"])
        self.embeddings.dropout = nn.Dropout(tc["hiddenDropout"])
        self.encoder = Holder()
        self.encoder.layer = nn.ModuleList([BertLayer(tc) for _ in range(tc["layers"])])
        self.pooler = Holder()
        self.pooler.dense = nn.Linear(d, d)                          # kept for the names; unused

    def position_ids(self, ids):
        if self.tc["family"] == "roberta":                           # pad + rank among non-pad tokens
            pad = self.tc["padTokenId"]
            keep = (ids != pad).long()
            return torch.cumsum(keep, dim=1) * keep + pad
        return torch.arange(ids.shape[1]).expand(ids.shape[0], -1)

    def forward(self, ids, type_ids, mask):                          # each [B, T] int64
        e = self.embeddings
        types = type_ids if self.tc["typeVocab"] > 1 else torch.zeros_like(type_ids)
        h = e.word_embeddings(ids) + e.position_embeddings(self.position_ids(ids)) + e.token_type_embeddings(types)
        h = e.dropout(e.LayerNorm(h))
        additive = torch.zeros(mask.shape, dtype=h.dtype).masked_fill(mask == 0, torch.finfo(h.dtype).min)
        additive = additive[:, None, None, :]
        for layer in self.encoder.layer:
            h = layer(h, additive)
        if self.pooling == "paddedMean":
            return h.mean(dim=1)
        m = mask.to(h.dtype).unsqueeze(-1)
        return (h * m).sum(dim=1) / m.sum(dim=1).clamp(min=1)

    def apply_lora(self, rank, alpha, dropout):
        """Authors' PEFT call: LoRA on query/value, every weight frozen, every bias trainable."""
        for p in self.parameters():
            p.requires_grad_(False)
        for layer in self.encoder.layer:
            sa = layer.attention.self
            sa.query = LoRALinear(sa.query, rank, alpha, dropout)
            sa.value = LoRALinear(sa.value, rank, alpha, dropout)
        for name, p in self.named_parameters():
            if name.endswith("bias") or ".lora_" in name:
                p.requires_grad_(True)
