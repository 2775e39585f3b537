"""One error base class, and what the command line prints for each kind of failure (issue 10 part 6)."""

import pytest
import torch

import strokes
from strokes import cli, errors
from strokes.cli import main
from strokes.style import Style


def test_every_user_error_is_a_strokes_error_and_still_a_value_error():
    from strokes.files import StrokesFileError
    from strokes.images import ImageError
    from strokes.neural import CheckpointError
    from strokes.painter import PaintError
    from strokes.registry import StyleOptionError, UnknownStyleError
    from strokes.video import MissingVideoDependency

    for cls in (StrokesFileError, ImageError, CheckpointError, PaintError, StyleOptionError, UnknownStyleError,
                errors.StyleOutputError, errors.OptionError):
        assert issubclass(cls, strokes.StrokesError) and issubclass(cls, ValueError), cls
    assert issubclass(MissingVideoDependency, strokes.StrokesError)
    assert issubclass(errors.OutputError, OSError) and issubclass(errors.FolderLockedError, strokes.StrokesError)
    assert strokes.StrokesError is errors.StrokesError


def one_line(capsys, status, argv):
    assert main(argv) == status
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err, err
    return err


def test_strokes_error_is_one_line(capsys, tmp_path):
    err = one_line(capsys, 1, ["render", str(tmp_path / "none.json"), "-o", str(tmp_path / "a.png")])
    assert err.startswith("strokes render: error: ") and "none.json: no such file" in err


class Crashes(Style):
    name = "crashes"

    def rasterize(self, params, size, window=None):
        return {}["no such key"]


@pytest.fixture
def crashing_style(monkeypatch):
    from strokes import registry
    styles = dict(registry._styles(), crashes=Crashes)
    monkeypatch.setattr(registry, "_styles", lambda: styles)


def test_a_bug_is_a_short_report_pointing_at_traceback(capsys, still, tmp_path, monkeypatch):
    from strokes import rendering

    def broken(*args, **kwargs):
        raise ZeroDivisionError("division by zero")
    monkeypatch.setattr(rendering, "draw", broken)
    assert main(["render", str(still), "-o", str(tmp_path / "a.png"), "--size", "32"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("strokes render: internal error: ZeroDivisionError: division by zero at ")
    assert "--traceback" in err and "Traceback" not in err and err.count("\n") == 2


def test_traceback_option_shows_the_traceback(capsys, still, tmp_path, monkeypatch):
    from strokes import rendering
    monkeypatch.setattr(rendering, "draw", lambda *a, **k: 1 / 0)
    for argv in (["--traceback", "render", str(still), "-o", str(tmp_path / "a.png")],
                 ["render", str(still), "-o", str(tmp_path / "a.png"), "--traceback"]):
        assert main(argv) == 1
        err = capsys.readouterr().err
        assert "Traceback (most recent call last)" in err and "ZeroDivisionError" in err


def test_torch_value_error_is_not_passed_off_as_a_user_error(capsys, still, tmp_path, monkeypatch):
    """Before: every ValueError, torch internals included, was one line with no way to see where."""
    from strokes import rendering
    monkeypatch.setattr(rendering, "draw", lambda *a, **k: torch.zeros(2).view(3))
    assert main(["render", str(still), "-o", str(tmp_path / "a.png")]) == 1
    assert "internal error: RuntimeError" in capsys.readouterr().err


def test_plugin_crash_names_the_style(capsys, still, tmp_path, crashing_style):
    """Defect 6: a style raising KeyError was a traceback; now one line naming the style."""
    err = one_line(capsys, 1, ["render", str(still), "--style", "crashes", "-o", str(tmp_path / "a.png")])
    assert "style 'crashes' (Crashes): rasterize failed: KeyError: 'no such key'" in err


def test_a_command_that_cannot_load_is_reported_not_dropped(capsys, monkeypatch):
    real = cli._command_module

    def failing(name):
        if name == "export":
            raise ImportError("No module named 'vpype_missing'")
        return real(name)
    monkeypatch.setattr(cli, "_command_module", failing)
    assert "export" in cli.build_parser().format_help()
    err = one_line(capsys, 1, ["export", "anything", "--whatever"])
    assert "strokes export: error: this command failed to load (ImportError: No module named" in err


def test_warnings_are_one_line(capsys, still, tmp_path, monkeypatch):
    import warnings

    from strokes.commands import render

    def warns(args):
        warnings.warn("plugin 'x' failed to load:\n  two lines", RuntimeWarning)
        return 0
    monkeypatch.setattr(render, "run", warns)
    assert main(["render", str(still), "-o", str(tmp_path / "a.png")]) == 0
    assert capsys.readouterr().err == "strokes: warning: plugin 'x' failed to load: two lines\n"


def test_os_error_names_the_file(capsys, tmp_path):
    folder = tmp_path / "folder.json"
    folder.mkdir()
    err = one_line(capsys, 1, ["render", str(folder), "-o", str(tmp_path / "a.png")])
    assert "folder.json" in err


def test_finite_float_option_refuses_nan(capsys, still, tmp_path):
    """Defect 11: `animate --duration nan` said 'cannot convert float NaN to integer' without the option."""
    with pytest.raises(SystemExit):
        main(["animate", str(still), "-o", str(tmp_path / "a.gif"), "--duration", "nan"])
    assert "argument --duration: expected a finite number, got 'nan'" in capsys.readouterr().err
    from strokes.animation import animate
    with pytest.raises(ValueError, match="duration"):
        animate(strokes.load(still), tmp_path / "a.gif", duration=float("nan"))
    assert not (tmp_path / "a.gif").exists()
