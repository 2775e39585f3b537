"""The dual-pathway neural renderer: a learned, differentiable stand-in for a style's ``rasterize``.

Following Stylized Neural Painting (Zou et al., CVPR 2021), two networks share
the work: a **rasterization net** draws the stroke's shape mask and a
**shading net** its colour and texture; they are fused as premultiplied
foreground = shading x mask x opacity, alpha = opacity x mask.

Unlike the paper, neither network ever sees the canvas. Each stroke is drawn
in its own local picture (:mod:`strokes.neural.frame`): x along the chord P0 to
P2, y across it, ``picture`` pixels, sized to hold the curve and its paint.
The networks only get the stroke's dimensionless shape (:func:`shape_features`)
and colours; an exact affine warp places the picture on the canvas. The nets
are therefore small, fast on a CPU, and the same for any canvas size.

The mask travels through the warp as a logit (interpolated, then squashed),
so a stroke much larger than its picture still gets edges one canvas pixel
wide. The shading net does not output raw colours: it outputs, per pixel, where
between the start and the end colour the paint is (``t``), a brightness gain
and an additive highlight, so colours are exact by construction and the net
only learns the texture.
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import torch
from torch import nn

from ..geometry import check_params
from .frame import OUTSIDE, LocalFrame, affine_grid, affine_grid_backward, local_frame, picture_map
from ..layout import COLORS, OPACITY, WIDTHS


@dataclass
class RendererConfig:
    """Architecture of :class:`NeuralRenderer` (stored in every checkpoint).

    picture:  ``(rows, cols)`` of each stroke's local picture: rows across, cols along.
    hidden:   width of the fully connected layers.
    edge:     the rasterization net draws an edge field, scaled to canvas pixels before it is
              squashed (crisp one-pixel edges however large the stroke), times a smooth density;
              otherwise one mask logit.
    channels: feature channels at each resolution, coarsest first; each step doubles the size,
              so the coarsest grid is ``picture / 2 ** (len(channels) - 1)``.
    """

    picture: tuple = (16, 32)
    hidden: int = 128
    channels: tuple = (32, 24, 16, 8)
    edge: bool = True

    def __post_init__(self):
        self.picture = tuple(int(v) for v in self.picture)
        self.channels = tuple(int(v) for v in self.channels)
        steps = 2 ** (len(self.channels) - 1)
        if any(v % steps for v in self.picture):
            raise ValueError(f"expected picture sides divisible by {steps}, got {self.picture}")

    def to_dict(self) -> dict:
        return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(self).items()}


SHAPE_FEATURES = 13
COLOUR_FEATURES = 6


def shape_features(params: torch.Tensor, frame: LocalFrame, size, picture) -> torch.Tensor:
    """``(S, 13)`` dimensionless description of each stroke's shape in its local picture.

    Control points in picture units (6), start and end widths relative to the
    picture's breadth and length (4), canvas pixels per picture pixel along and
    across (2, log), and the picture's length in canvas units (1, log, for
    textures laid out in canvas units).
    """
    unit = float(min(size))
    rows, cols = picture
    widths = params[:, WIDTHS] * unit
    return torch.cat([
        frame.p0, frame.p1, frame.p2,
        widths / frame.breadth.view(-1, 1), widths / frame.length.view(-1, 1),
        torch.log(frame.length / cols).view(-1, 1), torch.log(frame.breadth / rows).view(-1, 1),
        torch.log(frame.length / unit).view(-1, 1),
    ], 1)


class Decoder(nn.Module):
    """Features ``(S, F)`` to a picture ``(S, out, rows, cols)``: fully connected, then pixel-shuffle upsampling."""

    def __init__(self, features: int, out: int, config: RendererConfig):
        super().__init__()
        ch = config.channels
        steps = 2 ** (len(ch) - 1)
        self.base = (config.picture[0] // steps, config.picture[1] // steps)
        self.mlp = nn.Sequential(
            nn.Linear(features, config.hidden), nn.LeakyReLU(0.2),
            nn.Linear(config.hidden, config.hidden), nn.LeakyReLU(0.2),
            nn.Linear(config.hidden, ch[0] * self.base[0] * self.base[1]), nn.LeakyReLU(0.2))
        ups = []
        for c_in, c_out in zip(ch[:-1], ch[1:]):
            ups += [nn.Conv2d(c_in, 4 * c_out, 3, padding=1), nn.PixelShuffle(2), nn.LeakyReLU(0.2)]
        self.up = nn.Sequential(*ups)
        self.head = nn.Conv2d(ch[-1], out, 3, padding=1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        S = x.shape[0]  # strokes
        # Channels-last convolutions are ~1.7x faster here on a CPU (oneDNN; few channels, many strokes).
        z = self.mlp(x).view(S, -1, *self.base).contiguous(memory_format=torch.channels_last)
        return self.head(self.up(z)).contiguous()


class NeuralRenderer(nn.Module):
    """Differentiable renderer of one style: ``forward(params, size, window)`` like ``Style.rasterize``.

    Attributes ``style``, ``reach``, ``train_size`` and ``val_psnr`` describe
    what it imitates and how well (set from the checkpoint).

    >>> r = NeuralRenderer(RendererConfig(), style="marker")
    >>> p = torch.rand(4, 15)
    >>> fg, alpha = r(p, (48, 64))
    >>> tuple(fg.shape), tuple(alpha.shape), fg.dtype
    ((4, 3, 48, 64), (4, 1, 48, 64), torch.float32)
    """

    @staticmethod
    def paint_path(params: torch.Tensor) -> torch.Tensor:
        """Where to plan drawing from (see :meth:`strokes.Style.paint_path`): the strokes' own centrelines."""
        return params

    def __init__(self, config: RendererConfig | None = None, style: str = "", reach: float = 1.0):
        super().__init__()
        self.config = config or RendererConfig()
        self.style = style
        self.name = style
        self.reach = float(reach)
        self.train_size = None
        self.val_psnr = {}
        self.raster_net = Decoder(SHAPE_FEATURES + 1, 2 if self.config.edge else 1, self.config)  # + opacity
        self.shading_net = Decoder(SHAPE_FEATURES + 1 + COLOUR_FEATURES, 5, self.config)   # t, gain, highlight

    def pictures(self, params: torch.Tensor, size):
        """Local pictures ``(S, C, rows, cols)`` (mask logit, [density,] r, g, b) and the frame."""
        frame = local_frame(params, size, reach=self.reach)
        shape = shape_features(params, frame, size, self.config.picture)
        opacity = params[:, OPACITY, None]
        colours = params[:, COLORS]
        logit = self.raster_net(torch.cat([shape, opacity], 1))
        if self.config.edge:
            # Edge field in units of a picture pixel, made steeper where a picture pixel is large.
            px = (frame.breadth / self.config.picture[0]).clamp(min=0.5).view(-1, 1, 1, 1)
            logit = torch.cat([logit[:, 0:1] * px, logit[:, 1:2]], 1)
        shading = self.shading_net(torch.cat([shape, opacity, colours * 2 - 1], 1))
        t = torch.sigmoid(shading[:, 0:1])
        c0 = colours[:, 0:3, None, None]
        c2 = colours[:, 3:6, None, None]
        colour = (c0 + (c2 - c0) * t) * (1 + shading[:, 1:2]) + shading[:, 2:5]
        colour = colour + (colour.clamp(0, 1) - colour).detach()   # clamped, but the gradient passes
        return torch.cat([logit, colour], 1), frame

    def forward(self, params: torch.Tensor, size, window=None):
        """``(S, 15)`` strokes to ``foreground (S, 3, h, w)`` and ``alpha (S, 1, h, w)`` in [0, 1].

        ``size`` is the full canvas ``(H, W)``; ``window`` ``(top, left, h, w)``
        draws only part of it (``top``/``left`` may be ``(S,)`` tensors, one window
        per stroke), exactly the crop of the full drawing.
        """
        check_params(params)
        if len(params) == 0:                 # no strokes: empty pictures, still part of the graph
            _, _, h, w = window if window is not None else (0, 0, *size)
            nothing = params[:, :1, None, None] * 0
            return nothing.expand(0, 3, int(h), int(w)), nothing.expand(0, 1, int(h), int(w))
        dtype = params.dtype
        p = params.float()
        pictures, frame = self.pictures(p, size)
        fg, alpha = self._draw(pictures, frame, p[:, 14], size, window)
        return fg.to(dtype), alpha.to(dtype)

    def _draw(self, pictures, frame, opacity, size, window):
        """Warp the pictures onto ``window`` and fuse: fg ``(S, 3, h, w)``, alpha ``(S, 1, h, w)``."""
        theta, h, w = picture_map(frame, size, window)
        return _WarpAndFuse.apply(pictures, theta, opacity.view(-1, 1, 1, 1), h, w, self.config.edge)

    rasterize = forward  # so a renderer can stand wherever a Style is drawn

    def parameter_count(self) -> int:
        return sum(p.numel() for p in self.parameters())


# Floats of warped picture per step of _WarpAndFuse (32 MB; ~100 strokes at 128 x 128): far fewer fresh
# full-size buffers (page faults), yet few steps: each op of a step is a parallel region, and many small
# ones wait on each other on a busy machine (measured: 8 MB steps were faster when quiet, slower when busy).
CHUNK = 1 << 23


def _chunks(strokes: int, per_stroke: int):
    step = max(1, CHUNK // per_stroke)
    return [(a, min(a + step, strokes)) for a in range(0, strokes, step)]


class _WarpAndFuse(torch.autograd.Function):
    """Warp the local pictures onto the canvas (bilinear) and fuse them into fg and alpha, in one step.

    Forward, as plain autograd ops would compute it, with ``placed = grid_sample(pictures, grid)``:
    fg is placed's colour channels; alpha = sigmoid(edge) [x sigmoid(density)] x opacity, where
    the mask logit reads ``-OUTSIDE`` outside the picture. Written by hand because the
    ``(S, C, h, w)`` tensors dominate the cost, and on a CPU every new large tensor also costs
    its page faults: strokes go through in chunks (``CHUNK``), whose grid, warped picture and
    gradient buffers the allocator reuses; only fg, alpha and (for the backward pass) the
    squashed mask channels are full-size. The backward pass recomputes the grid, writes every
    channel's gradient straight into one buffer for ``grid_sample``'s backward, and takes the
    gradient of ``theta`` from the grid's. Equal to the plain ops to float rounding (``tests/neural``).
    """

    @staticmethod
    def forward(ctx, pictures, theta, opacity, h, w, edge):
        shifted = torch.cat([pictures[:, :1] + OUTSIDE, pictures[:, 1:]], 1)  # zero padding then reads -OUTSIDE
        S, C = shifted.shape[:2]
        lead = 2 if edge else 1                       # mask channels, then the colour
        fg = shifted.new_empty(S, C - lead, h, w)
        alpha = shifted.new_empty(S, 1, h, w)
        keep = any(ctx.needs_input_grad[:3])
        squashed = shifted.new_empty(S, lead, h, w) if keep else None
        for a, b in _chunks(S, C * h * w):
            placed = torch.grid_sampler_2d(shifted[a:b], affine_grid(theta[a:b], h, w), 0, 0, False)
            fg[a:b] = placed[:, lead:]               # bilinear, zeros padding, align_corners=False
            sq = squashed[a:b] if keep else placed[:, :lead]
            placed[:, :1] -= OUTSIDE
            torch.sigmoid(placed[:, :lead], out=sq)  # sigmoid(edge) [, sigmoid(density)]
            if edge:
                torch.mul(sq[:, :1], sq[:, 1:2], out=alpha[a:b])
            else:
                alpha[a:b] = sq
        alpha *= opacity
        ctx.size = (h, w)
        ctx.save_for_backward(shifted, theta, squashed, alpha, opacity)
        return fg, alpha

    @staticmethod
    def backward(ctx, grad_fg, grad_alpha):
        shifted, theta, squashed, alpha, opacity = ctx.saved_tensors
        (h, w), (S, C), lead = ctx.size, shifted.shape[:2], squashed.shape[1]
        need = ctx.needs_input_grad
        grad_shifted = torch.empty_like(shifted) if need[0] else None
        grad_theta = torch.empty_like(theta) if need[1] else None
        grad_opacity = torch.empty_like(opacity) if need[2] else None
        for a, b in _chunks(S, C * h * w):
            sq, ga = squashed[a:b], grad_alpha[a:b]
            grad = shifted.new_empty(b - a, C, h, w)
            grad[:, lead:] = grad_fg[a:b]
            # d alpha / d logit = alpha (1 - sigmoid(logit)) for each squashed channel; d alpha / d opacity = mask.
            t = grad[:, :1]
            if lead == 2:
                torch.mul(ga, sq[:, :1], out=grad[:, 1:2])
                torch.mul(grad[:, 1:2], sq[:, 1:2], out=t)
            else:
                torch.mul(ga, sq, out=t)
            if need[2]:
                grad_opacity[a:b] = t.sum((1, 2, 3), keepdim=True)
            t *= opacity[a:b]                         # grad_alpha x alpha
            if lead == 2:
                torch.addcmul(t, t, sq[:, 1:2], value=-1, out=grad[:, 1:2])
            t.addcmul_(t, sq[:, :1], value=-1)
            g_shifted, g_grid = torch.ops.aten.grid_sampler_2d_backward(
                grad, shifted[a:b], affine_grid(theta[a:b], h, w), 0, 0, False, [need[0], need[1]])
            if need[0]:
                grad_shifted[a:b] = g_shifted
            if need[1]:
                grad_theta[a:b] = affine_grid_backward(g_grid)
        return grad_shifted, grad_theta, grad_opacity, None, None, None


def psnr_from_mse(mse: float) -> float:
    return float("inf") if mse <= 0 else -10 * math.log10(mse)
