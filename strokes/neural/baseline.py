"""A re-implementation of the paper's 128-px dual-pathway renderer, for comparison only.

Written from the description in Stylized Neural Painting (Zou et al., CVPR
2021): the rasterization net is fully connected (512-1024-2048-4096), its
output reshaped to a 16 x 16 x 16 feature map and brought to 128 x 128 by
convolutions with pixel-shuffle upsampling; the shading net is a DCGAN-style
generator of transposed convolutions from 1 x 1 to 128 x 128. Foreground =
shading x mask, alpha = opacity x mask. It draws on a fixed 128 x 128 canvas
and learns where the stroke is from the raw parameters, so it has to be
retrained for every canvas size and cannot draw windows. About 18 M parameters.

>>> net = PaperRenderer()
>>> round(net.parameter_count() / 1e6, 1)
18.2
"""
from __future__ import annotations

import torch
from torch import nn

from ..geometry import check_params
from ..layout import OPACITY


def _up(c_in: int, c_out: int) -> list:
    return [nn.Conv2d(c_in, 4 * c_out, 3, padding=1), nn.PixelShuffle(2), nn.ReLU()]


def _tconv(c_in: int, c_out: int, first: bool = False) -> list:
    return [nn.ConvTranspose2d(c_in, c_out, 4, 1 if first else 2, 0 if first else 1, bias=False),
            nn.BatchNorm2d(c_out), nn.ReLU()]


class PaperRenderer(nn.Module):
    """Paper-style renderer on a fixed ``size`` x ``size`` canvas (128): ``(S, 15)`` -> fg, alpha."""

    def __init__(self, size: int = 128, inputs: int = 15):
        super().__init__()
        if size != 128:
            raise ValueError(f"expected size 128 (the paper's renderer), got {size}")
        self.size = size
        self.raster_net = nn.Sequential(
            nn.Linear(inputs, 512), nn.ReLU(), nn.Linear(512, 1024), nn.ReLU(),
            nn.Linear(1024, 2048), nn.ReLU(), nn.Linear(2048, 4096), nn.ReLU())
        self.raster_up = nn.Sequential(
            nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), *_up(32, 32),           # 32 x 32
            nn.Conv2d(32, 32, 3, padding=1), nn.ReLU(), *_up(32, 16),           # 64 x 64
            nn.Conv2d(16, 16, 3, padding=1), nn.ReLU(), *_up(16, 8),            # 128 x 128
            nn.Conv2d(8, 1, 3, padding=1))
        self.shading_net = nn.Sequential(
            *_tconv(inputs, 512, first=True),    # 4 x 4
            *_tconv(512, 512), *_tconv(512, 256), *_tconv(256, 128), *_tconv(128, 64),  # 64 x 64
            nn.ConvTranspose2d(64, 3, 4, 2, 1))  # 128 x 128

    def forward(self, params: torch.Tensor, size=(128, 128), window=None):
        check_params(params)
        if tuple(size) != (self.size, self.size) or window is not None:
            raise ValueError(f"the paper's renderer draws only whole {self.size} x {self.size} canvases, got {size}")
        S = params.shape[0]  # strokes
        x = params * 2 - 1
        mask = torch.sigmoid(self.raster_up(self.raster_net(x).view(S, 16, 16, 16)))
        fg = torch.sigmoid(self.shading_net(x.view(S, -1, 1, 1)))
        return fg, params[:, OPACITY].view(-1, 1, 1, 1) * mask   # premultiplied: shading x mask x opacity

    def parameter_count(self) -> int:
        return sum(p.numel() for p in self.parameters())

