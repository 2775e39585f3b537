"""Painting a clip: strokes carried from frame to frame, still parts still, outputs at the source rate."""
import numpy as np
import pytest
import torch
from PIL import Image

from strokes.bench._clips import synthetic_clip, write_clip
from strokes.cli import main
from strokes.coherence import changed_pixels
from strokes.paint_video import load_video_strokes, paint_chunk, paint_video
from strokes.rendering import draw

OPTIONS = dict(style="marker", strokes=12, steps=10, steps_next=5)


def corner_clip(T=3, H=24, W=32):
    """A still picture with a small square moving in its top-left corner."""
    frames = np.zeros((T, H, W, 3), np.uint8)
    frames[:, :, :, 0] = np.linspace(40, 220, W, dtype=np.uint8)
    frames[:, H // 2:, :, 2] = 180
    for t in range(T):
        frames[t, 1:6, 1 + 2 * t:6 + 2 * t] = (250, 250, 40)
    return frames


def flicker(frames):
    f = frames.astype(np.float64)
    return np.abs(np.diff(f, axis=0)).mean()


def test_strokes_away_from_any_change_hold_still_and_moving_ones_follow():
    clip = corner_clip()
    result = paint_chunk(clip, **OPTIONS)
    # A video starts on the first frame's mean colour, not the still painter's white ground.
    assert np.allclose(result["background"], clip[0].reshape(-1, 3).mean(0) / 255, atol=0.01)
    params = torch.from_numpy(result["strokes"])
    changed = changed_pixels(torch.from_numpy(clip[1]).permute(2, 0, 1) / 255.,
                             torch.from_numpy(clip[0]).permute(2, 0, 1) / 255.)
    assert changed[:8, :14].any() and not changed[10:].any()          # only the corner changed
    same = (params[1] == params[0]).all(1)
    assert same.any() and not same.all()                             # some strokes re-optimized, not all
    assert 0 < result["moved"][1] < 1 and result["moved"][0] == 1
    fresh = paint_chunk(clip, coherent=False, **OPTIONS)
    assert flicker(result["frames"]) < flicker(fresh["frames"])
    still = lambda v: (v[1] == v[0]).all(-1).mean()                 # noqa: E731  share of pixels unchanged
    assert still(result["frames"]) > 0.3 and still(result["frames"]) > 2 * still(fresh["frames"])


def test_a_clip_is_painted_into_a_video_and_every_frames_strokes(tmp_path):
    clip = synthetic_clip(6, 24, 32)
    src = tmp_path / "clip.gif"
    write_clip(src, clip, fps=10)
    out = tmp_path / "out"
    result = paint_video(src, out, frames="1:6", every=2, size=32, formats=("mp4", "gif"), progress=False, **OPTIONS)
    assert result.frames == 3 and result.fps == pytest.approx(5.0)
    data = load_video_strokes(out / "strokes.npz")
    assert data["params"].shape == (3, 12, 15) and data["source_frames"].tolist() == [1, 3, 5]
    assert data["fps"] == pytest.approx(5.0) and len(data["frame"](2)) == 12
    gif = Image.open(out / "painting.gif")
    assert gif.n_frames == 3 and gif.size == (32, 24)
    import av
    with av.open(str(out / "painting.mp4")) as container:
        stream = container.streams.video[0]
        assert float(stream.average_rate) == pytest.approx(5.0)
        assert sum(1 for _ in container.decode(stream)) == 3


@pytest.mark.slow
@pytest.mark.parametrize("workers", [1, 2])
def test_chunks_start_fresh_and_cross_fade_over_their_overlap(tmp_path, workers):
    clip = synthetic_clip(5, 16, 24)
    src = tmp_path / "clip.gif"
    write_clip(src, clip, fps=8)
    result = paint_video(src, tmp_path / "out", size=24, chunk=3, overlap=1, formats=("gif",), progress=False,
                         workers=workers, **OPTIONS)
    data = load_video_strokes(tmp_path / "out" / "strokes.npz")
    assert result.chunks == 2 and data["chunk"].tolist() == [0, 0, 0, 1, 1]
    alone = paint_chunk(clip[2:], **OPTIONS)             # the second chunk: frames 2-4, the first of them a fade
    assert np.array_equal(data["params"][3:], alone["strokes"][1:])


def test_the_command_paints_a_video(tmp_path, capsys):
    src = tmp_path / "clip.gif"
    write_clip(src, synthetic_clip(3, 16, 24), fps=6)
    assert main(["paint", str(src), "-o", str(tmp_path / "out"), "--style", "marker", "--strokes", "4",
                 "--size", "24", "--steps-next", "3", "--webp", "-q"]) == 0
    assert {p.name for p in (tmp_path / "out").iterdir()} == {"painting.mp4", "painting.webp", "strokes.npz"}
    assert main(["paint", str(src), "-o", str(tmp_path / "x"), "--frames", "5", "-q"]) == 1
    assert "--frames '5'" in capsys.readouterr().err


def test_strokes_are_carried_with_their_paint_a_pan_moves_all_a_ball_only_its_own():
    from strokes.motion import carry, shift_picture
    from strokes.painter import paint
    from strokes.registry import get_style

    yy, xx = torch.meshgrid(torch.linspace(0, 1, 24), torch.linspace(0, 1, 40), indexing="ij")
    scene = torch.stack([0.5 + 0.4 * torch.sin(9 * xx + 3 * yy), 0.5 + 0.4 * torch.cos(7 * yy - 4 * xx), 0.3 + 0 * xx])
    panned = shift_picture(scene, (-2.0, 0.0))
    style = get_style("marker")
    strokes = paint(scene, style=style, strokes=12, size=40, steps=8, progress=False).strokes.to_tensor()
    found = carry(strokes, panned, scene, style)
    inside = (strokes[:, 2].clamp(0, 1) * 40 > 6) & (strokes[:, 2] * 40 < 34)     # away from the edges
    assert torch.allclose(found.shifts[inside], torch.tensor([-2.0, 0.0]), atol=0.35)
    ball = scene.clone()
    ball[:, 4:12, 4:12] = torch.tensor([0.9, 0.1, 0.1]).view(3, 1, 1)
    rolled = scene.clone()
    rolled[:, 4:12, 9:17] = torch.tensor([0.9, 0.1, 0.1]).view(3, 1, 1)
    # The scene's strokes, and on top a red stroke laid over the ball by hand (whether a small
    # painting puts one there depends on the optimizer's path).
    red = torch.tensor([[5 / 40, 8 / 24, 8 / 40, 8 / 24, 11 / 40, 8 / 24, 8 / 24, 8 / 24, .9, .1, .1, .9, .1, .1, 1]])
    painted = torch.cat([strokes, red])
    found = carry(painted, rolled, ball, style)
    moved = found.shifts.abs().sum(1) > 0
    assert moved.any() and not moved.all()                          # the sky behind stays put
    shifts = found.shifts[moved]
    assert (shifts[:, 0] > 0).all() and (shifts[:, 1].abs() < 1).all()      # all with the ball, to the right
    assert abs(float(found.shifts[-1, 0]) - 5.0) < 1.0                      # the ball's own stroke all the way


def test_a_stroke_changes_colour_only_where_the_picture_under_it_changed():
    """A painting's strokes need not match the picture under them (a dark glaze, a stroke
    covered by later ones): one over the same picture keeps its colour; one that an object of
    another colour moved under takes that colour."""
    from strokes.coherence import _recolored, _smoothed
    from strokes.layout import COLOR_END, COLOR_START

    gray = torch.full((3, 20, 20), 0.5)
    stroke = torch.tensor([[.2, .5, .5, .5, .8, .5, .1, .1, .1, .1, .1, .1, .1, .1, 1.]])   # dark, on gray
    recolored = lambda now, then: _recolored(stroke, stroke, _smoothed(now, 0.1), _smoothed(then, 0.1))  # noqa: E731
    assert torch.equal(recolored(gray, gray), stroke)
    red = gray.clone()
    red[0] = 0.9                                                         # the picture turned red under it
    out = recolored(red, gray)
    assert torch.allclose(out[0, COLOR_START], torch.tensor([0.9, 0.5, 0.5]), atol=1e-4)
    assert torch.allclose(out[0, COLOR_END], torch.tensor([0.9, 0.5, 0.5]), atol=1e-4)
    assert torch.equal(out[:, :COLOR_START.start], stroke[:, :COLOR_START.start])


def test_a_carried_stroke_may_not_grow_past_the_painters_reach():
    """Its box (and so its window, and the time per frame) stays bounded however long the clip."""
    from strokes.coherence import _motion_bounds

    long = torch.tensor([[.05, .5, .5, .5, .95, .5, .1, .1] + [.5] * 6 + [1.]])      # 90 px of a 100 px canvas
    short = torch.tensor([[.45, .5, .5, .5, .55, .5, .1, .1] + [.5] * 6 + [1.]])     # 10 px
    for stroke, extent in ((long, 2 * (20 + 5)), (short, 10 + 2 * 5)):
        b = _motion_bounds(stroke, (100, 100), motion_px=5.0, level_width=0.1, most_px=20.0)
        assert torch.allclose(b.high[0, 0] - b.low[0, 0], torch.tensor(float(extent)))


def test_strokes_an_object_swept_through_are_chosen_anew_in_its_colour():
    """A red block lands on a gray picture: the strokes it swept through are chosen again,
    as the painter chooses, and paint it (the count and the order of the strokes stay)."""
    from strokes import get_style, paint
    from strokes.coherence import repaint

    before = torch.full((3, 32, 48), 0.5)
    target = before.clone()
    target[:, :, :24] = torch.tensor([0.9, 0.1, 0.1]).view(3, 1, 1)
    first = paint(before, style="marker", strokes=12, size=48, steps=10, progress=False, background=(0.5, 0.5, 0.5))
    previous = torch.from_numpy(first.strokes.params).float()
    style = get_style("marker")
    new, moved = repaint(previous, target, before, style, (0.5, 0.5, 0.5), steps=10)
    assert new.shape == previous.shape and moved > 0
    red = lambda p: draw(torch.full((3, 32, 48), 0.5), p, style)[:, :, :24]   # noqa: E731
    error = lambda p: float((red(p) - target[:, :, :24]).abs().mean())         # noqa: E731
    assert error(new) < 0.5 * error(previous), (error(new), error(previous))


def test_a_frames_moved_strokes_are_retouched_and_the_still_ones_kept(monkeypatch):
    """The colours of the strokes a frame re-optimized are fitted anew: the frame is closer to its
    picture than without the retouch, and the strokes nothing moved keep theirs."""
    import strokes.coherence as coherence
    from strokes import get_style, paint

    before = torch.full((3, 32, 48), 0.5)
    target = before.clone()
    target[:, :, :24] = torch.tensor([0.9, 0.2, 0.1]).view(3, 1, 1) * torch.linspace(0.4, 1.0, 24).view(1, 1, 24)
    first = paint(before, style="marker", strokes=16, size=48, steps=10, progress=False, background=(0.5, 0.5, 0.5))
    previous = torch.from_numpy(first.strokes.params).float()
    style = get_style("marker")
    touched, _ = coherence.repaint(previous, target, before, style, (0.5, 0.5, 0.5), steps=10)
    monkeypatch.setattr(coherence, "retouch", lambda params, *a, **k: params)
    plain, _ = coherence.repaint(previous, target, before, style, (0.5, 0.5, 0.5), steps=10)
    error = lambda p: float((draw(torch.full((3, 32, 48), 0.5), p, style) - target).abs().mean())  # noqa: E731
    assert error(touched) < error(plain)
    still = (plain == previous).all(1)
    assert still.any() and torch.equal(touched[still], previous[still])
