"""The tracer's parts (the entry point is :func:`strokes.trace` in :mod:`strokes.tracer`).

* :mod:`.ink`        ink separated from paper: strength, mask, colour, line-art check
* :mod:`.paths`      centrelines: skeleton, graph, paths split at junctions and corners
* :mod:`.fitting`    each path as few quadratic Bezier pieces as its shape needs
* :mod:`.merging`    overdrawn passes and continuing pieces merged into one stroke
* :mod:`.refine`     all strokes settled on the ink together (pixel + optimal-transport loss)
* :mod:`.synthetic`  rough sketches with known clean strokes (tests, benchmark)
"""
__all__ = ["ink", "paths", "fitting", "merging", "refine", "synthetic"]
