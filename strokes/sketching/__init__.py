"""The sketcher's parts (the entry point is :func:`strokes.sketch` in :mod:`strokes.sketcher`).

* :mod:`.lines`     lines as darkness, a differentiable rasterizer in per-line windows
* :mod:`.placing`   where new lines go: the best of many random candidates along the edges
* :mod:`.shading`   dark areas of the target turned into their outline and parallel hatching
* :mod:`.optimize`  a batch of lines optimized together
* :mod:`.loss`      squared error on a Gaussian pyramid, plus optimal transport
"""
__all__ = ["lines", "placing", "shading", "optimize", "loss"]
