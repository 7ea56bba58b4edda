"""vit.py — the two ViT towers of the PyTorch twin (timm VisionTransformer with MoRE's DropKey Block).

  tokens = patch_embed(input)        X-ray: gray → C channels, Conv2d(kernel = stride = P)
                                     ECG: Conv1d(12→C,k5,s5) → ReLU → BN → Conv1d(C→D,k5) → ReLU → BN
  x = [cls; tokens] + pos_embed, pre-norm blocks (DropKey attention, exact-GELU MLP), LN ε 1e-6
  h = x[:, 0]                        CLS pooling → [B, D]

Names as timm (`patch_embed.proj`, `blocks.i.attn.qkv`, `norm`), mirroring Sources/NN/
VisionTransformer.swift, ViTBlock.swift, Attention.swift, PatchEmbed.swift. Not here: the
text tower (text_encoder.py), heads and loss (more_tiny.py).
"""

import torch
import torch.nn as nn
import torch.nn.functional as F

DROPPED_LOGIT = -1e12  # DropKey's additive logit for a dropped key (the authors' value)


def dropkey_ratio(schedule, layer, layers):
    """Per-layer DropKey ratio: constant p, or linear from→to over the depth."""
    if schedule["kind"] == "linear":
        a, b = schedule["from"], schedule["to"]
        return a if layers <= 1 else a + (b - a) * layer / (layers - 1)
    return schedule["from"]


class Holder(nn.Module):
    """An empty module that only carries named children (for dotted names like `xray_model.vit_model`)."""


class Attention(nn.Module):
    """timm attention with DropKey: softmax(q kᵀ/√d + M) v, M = −1e12 on Bernoulli(p) keys (training only)."""

    def __init__(self, dim, heads, qkv_bias, dropkey):
        super().__init__()
        self.heads, self.scale, self.dropkey = heads, (dim // heads) ** -0.5, dropkey
        self.qkv = nn.Linear(dim, 3 * dim, bias=qkv_bias)
        self.proj = nn.Linear(dim, dim)

    def forward(self, x):                                            # x: [B, T, D]
        b, t, d = x.shape
        q, k, v = self.qkv(x).reshape(b, t, 3, self.heads, d // self.heads).permute(2, 0, 3, 1, 4)
        attn = (q @ k.transpose(-2, -1)) * self.scale                # [B, H, T, T]
        if self.training and self.dropkey > 0:
            attn = attn + torch.bernoulli(torch.full_like(attn, self.dropkey)) * DROPPED_LOGIT
        attn = attn.softmax(dim=-1)
        return self.proj((attn @ v).transpose(1, 2).reshape(b, t, d))


class Mlp(nn.Module):
    def __init__(self, dim, hidden):
        super().__init__()
        self.fc1, self.fc2 = nn.Linear(dim, hidden), nn.Linear(hidden, dim)

    def forward(self, x):
        return self.fc2(F.gelu(self.fc1(x)))                         # exact (erf) GELU


class Block(nn.Module):
    """Pre-norm block: x + attn(norm1 x), then x + mlp(norm2 x); LN ε = 1e-6."""

    def __init__(self, dim, heads, mlp_ratio, qkv_bias, dropkey):
        super().__init__()
        self.norm1 = nn.LayerNorm(dim, eps=1e-6)
        self.attn = Attention(dim, heads, qkv_bias, dropkey)
        self.norm2 = nn.LayerNorm(dim, eps=1e-6)
        self.mlp = Mlp(dim, dim * mlp_ratio)

    def forward(self, x):
        x = x + self.attn(self.norm1(x))
        return x + self.mlp(self.norm2(x))


class ImagePatchEmbed(nn.Module):
    """Gray image replicated to C channels, Conv2d(C→D, kernel = stride = P): [B, H, W] → [B, N, D]."""

    def __init__(self, patch, channels, dim):
        super().__init__()
        self.channels = channels
        self.proj = nn.Conv2d(channels, dim, patch, stride=patch)

    def forward(self, x):
        x = x.unsqueeze(1).expand(-1, self.channels, -1, -1)
        return self.proj(x).flatten(2).transpose(1, 2)


class ECGPatchEmbed(nn.Module):
    """Conv1d(12→C,k5,s5) → ReLU → BN → Conv1d(C→D,k5,s1) → ReLU → BN; [B, 12, L] → [B, L', D]."""

    def __init__(self, leads, stem, dim):
        super().__init__()
        self.conv1, self.bn1 = nn.Conv1d(leads, stem, 5, stride=5), nn.BatchNorm1d(stem)
        self.conv2, self.bn2 = nn.Conv1d(stem, dim, 5, stride=1), nn.BatchNorm1d(dim)

    def forward(self, x):
        h = self.bn2(F.relu(self.conv2(self.bn1(F.relu(self.conv1(x))))))
        return h.transpose(1, 2)


class VisionTransformer(nn.Module):
    """CLS + pos_embed, blocks, final LN, CLS pooling: → [B, D]."""

    def __init__(self, vc, patch_embed, tokens, dropkey):
        super().__init__()
        d = vc["dim"]
        self.patch_embed = patch_embed
        self.cls_token = nn.Parameter(torch.zeros(1, 1, d))
        self.pos_embed = nn.Parameter(torch.zeros(1, tokens + 1, d))
        self.blocks = nn.ModuleList([
            Block(d, vc["heads"], vc["mlpRatio"], vc["qkvBias"], dropkey_ratio(dropkey, i, vc["depth"]))
            for i in range(vc["depth"])])
        self.norm = nn.LayerNorm(d, eps=1e-6)
        nn.init.trunc_normal_(self.pos_embed, std=0.02)
        nn.init.normal_(self.cls_token, std=1e-6)
        for m in self.blocks.modules():
            if isinstance(m, nn.Linear):
                nn.init.trunc_normal_(m.weight, std=0.02)
                if m.bias is not None:
                    nn.init.zeros_(m.bias)

    def forward(self, x):
        t = self.patch_embed(x)
        h = torch.cat([self.cls_token.expand(t.shape[0], -1, -1), t], dim=1) + self.pos_embed
        for blk in self.blocks:
            h = blk(h)
        return self.norm(h)[:, 0]
