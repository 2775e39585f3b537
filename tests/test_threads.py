"""The library's thread policy: each call picks its threads and gives the caller's back."""
import pytest
import torch

import strokes
from strokes.threads import passive_wait, thread_policy, threads_for


@pytest.fixture
def caller_threads():
    before = torch.get_num_threads()
    torch.set_num_threads(3)
    yield 3
    torch.set_num_threads(before)


def test_paint_runs_on_one_thread_and_restores_the_callers(caller_threads):
    seen = []
    img = torch.rand(3, 24, 24)
    strokes.paint(img, style="marker", strokes=3, size=24, progress=False, steps=2,
                  callback=lambda p: seen.append(torch.get_num_threads()))
    assert seen and set(seen) == {1}
    assert torch.get_num_threads() == caller_threads


def test_restored_after_an_error_and_nested(caller_threads):
    def boom(_):
        raise RuntimeError("stop")
    with pytest.raises(RuntimeError, match="stop"):
        strokes.paint(torch.rand(3, 24, 24), style="marker", strokes=2, size=24, progress=False, steps=1,
                      callback=boom)
    assert torch.get_num_threads() == caller_threads
    with thread_policy("paint"):
        with thread_policy("paint", threads=2):
            assert torch.get_num_threads() == 2
        assert torch.get_num_threads() == 1
    assert torch.get_num_threads() == caller_threads


def test_drawing_keeps_the_callers_threads_only_where_idle_threads_sleep(caller_threads):
    assert threads_for("draw", 3) == (3 if passive_wait() else 1)
    assert threads_for("paint", 3) == 1
    s = strokes.StrokeSet([[.1, .5, .5, .4, .9, .5, .1, .1, 1, 0, 0, 1, 0, 0, 1]], width=40, height=20)
    strokes.render(s, "marker", size=32)
    assert torch.get_num_threads() == caller_threads
    with pytest.raises(ValueError, match="expected one of"):
        threads_for("sing", 2)


def test_sketch_and_trace_run_on_one_thread_and_restore_the_callers(caller_threads, monkeypatch):
    import strokes.tracer as tracer
    seen = []
    page = torch.ones(3, 32, 32)
    page[:, 14:17, 4:28] = 0.1                                            # one ink line
    strokes.sketch(page, lines=4, size=32, progress=False, steps=1,
                   callback=lambda d: seen.append(torch.get_num_threads()))
    strokes.sketch(page, lines=4, size=32, progress=False, steps=1, threads=2,
                   callback=lambda d: seen.append(torch.get_num_threads()))
    real = tracer._trace_page
    monkeypatch.setattr(tracer, "_trace_page", lambda *a: seen.append(torch.get_num_threads()) or real(*a))
    strokes.trace(page, progress=False)
    assert seen[0] == 1 and seen[-2] == 2 and seen[-1] == 1
    assert torch.get_num_threads() == caller_threads
