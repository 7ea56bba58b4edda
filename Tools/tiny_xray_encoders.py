"""The small image encoders of the X-ray learnability tools (supervised_vit_check.py,
contrastive_xray_check.py), in PyTorch.

  ViT   the tiny X-ray ViT: 64x64 gray input, 8x8 patches (or a convolutional stem: three 3x3
        stride-2 convs with BatchNorm + ReLU, then 1x1, Xiao et al. 2021), width 128, depth 4,
        4 heads, pre-norm blocks with bias-free attention, LN eps 1e-6, CLS pooling; an
        optional linear head; `pos_std` sets the standard deviation of the learned position
        embeddings at initialisation (0.02 as timm; a diagnostic, PAPER.md section 5.1 item 8) on the CLS feature;
        `pos="sincos"` a fixed 2-D sine-cosine table instead, `pool="mean"` the mean of the patch
        tokens instead of the CLS token (item 11)
  cnn   a plain 4-stage CNN: 3x3 conv, BatchNorm, ReLU, 2x2 max-pool (32-64-128-128), global
        mean; an optional linear head

Parameters are created in the order above (stem, CLS, positions, blocks, norm, head), so a
seeded run gives the same initial weights as before this module was shared. Not here: the
faithful twin of the whole model (Benchmarks/torch_twin/vit.py, with DropKey, timm init and
3-channel patch embedding).
"""
import torch
import torch.nn as nn


class Block(nn.Module):
    def __init__(self, d, h):
        super().__init__()
        self.n1, self.n2 = nn.LayerNorm(d, eps=1e-6), nn.LayerNorm(d, eps=1e-6)
        self.attn = nn.MultiheadAttention(d, h, batch_first=True, bias=False)
        self.mlp = nn.Sequential(nn.Linear(d, 4 * d), nn.GELU(), nn.Linear(4 * d, d))

    def forward(self, x):
        y = self.n1(x)
        x = x + self.attn(y, y, y, need_weights=False)[0]
        return x + self.mlp(self.n2(x))


class ViT(nn.Module):
    """[B, H, W] -> CLS feature [B, d], or head outputs [B, outputs] when `outputs` is given."""

    def __init__(self, conv=False, d=128, depth=4, heads=4, patch=8, image=64, outputs=None, pos_std=0.02,
                 pool="cls", pos="learned"):
        super().__init__()
        self.pool = pool
        if conv:
            self.stem = nn.Sequential(nn.Conv2d(1, 32, 3, 2, 1), nn.BatchNorm2d(32), nn.ReLU(),
                                      nn.Conv2d(32, 64, 3, 2, 1), nn.BatchNorm2d(64), nn.ReLU(),
                                      nn.Conv2d(64, 128, 3, 2, 1), nn.BatchNorm2d(128), nn.ReLU(), nn.Conv2d(128, d, 1))
        else:
            self.stem = nn.Conv2d(1, d, patch, patch)
        self.cls = nn.Parameter(torch.zeros(1, 1, d))
        self.pos = nn.Parameter(torch.randn(1, (image // patch) ** 2 + 1, d) * pos_std)
        if pos == "sincos":
            self.pos = nn.Parameter(sincos2d(image // patch, d), requires_grad=False)
        self.blocks = nn.Sequential(*[Block(d, heads) for _ in range(depth)])
        self.norm = nn.LayerNorm(d, eps=1e-6)
        self.head = nn.Linear(d, outputs) if outputs else nn.Identity()

    def forward(self, x):
        t = self.stem(x[:, None]).flatten(2).transpose(1, 2)
        t = torch.cat([self.cls.expand(len(t), -1, -1), t], 1) + self.pos
        h = self.norm(self.blocks(t))
        return self.head(h[:, 0] if self.pool == "cls" else h[:, 1:].mean(1))


def sincos2d(side, d):
    """Fixed 2-D sine-cosine position embeddings [1, 1 + side², d] (MAE / Beyer et al. 2022); 0 for CLS."""
    y, x = torch.meshgrid(torch.arange(side, dtype=torch.float32), torch.arange(side, dtype=torch.float32), indexing="ij")
    omega = 1.0 / 10000 ** (torch.arange(d // 4, dtype=torch.float32) / (d // 4))
    y, x = y.flatten()[:, None] * omega, x.flatten()[:, None] * omega
    pe = torch.cat([x.sin(), x.cos(), y.sin(), y.cos()], 1)
    return torch.cat([torch.zeros(1, d), pe])[None]


def cnn(outputs=None):
    """[B, 64, 64] -> 128-d feature, or [B, outputs] through a linear head."""
    stage = lambda i, o: nn.Sequential(nn.Conv2d(i, o, 3, padding=1), nn.BatchNorm2d(o), nn.ReLU(), nn.MaxPool2d(2))
    layers = [nn.Unflatten(1, (1, 64)), stage(1, 32), stage(32, 64), stage(64, 128), stage(128, 128),
              nn.AdaptiveAvgPool2d(1), nn.Flatten()]
    return nn.Sequential(*layers, *([nn.Linear(128, outputs)] if outputs else []))
