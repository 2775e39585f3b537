"""A small made-up picture and fast painter settings, shared by the painter's tests."""
import numpy as np
import torch

FAST = dict(style="marker", size=40, progress=False, steps=4)


def scene(width=60, height=40):
    """A small made-up picture: sky, ground, a sun, a dark post."""
    y, x = np.mgrid[0:height, 0:width] / max(width, height)
    img = np.zeros((height, width, 3))
    img[...] = [0.4, 0.6, 0.9]
    img[y > 0.45] = [0.3, 0.5, 0.2]
    img[(x - 0.75) ** 2 + (y - 0.15) ** 2 < 0.01] = [1.0, 0.85, 0.2]
    img[(abs(x - 0.3) < 0.03) & (y > 0.2)] = [0.2, 0.1, 0.05]
    return torch.tensor(img, dtype=torch.float32).permute(2, 0, 1)
