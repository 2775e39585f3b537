"""The painter's parts (the entry point is :func:`strokes.paint` in :mod:`strokes.painter`).

* :mod:`.schedule`  the plan: levels coarse to fine, batches, working canvases
* :mod:`.seeding`   where new strokes start, with which colour and direction
* :mod:`.optimize`  a batch of strokes optimized together under pixel + OT loss
* :mod:`.retouch`   once every stroke is laid, all their colours fitted anew, together
"""
__all__ = ["schedule", "seeding", "optimize", "retouch"]
