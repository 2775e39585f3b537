"""Style registry with faked installed plugins (entry points patched, nothing installed)."""
import importlib.metadata
import sys
import types
import warnings

import pytest

from strokes import registry
from strokes.geometry import coverage, lerp_color, stroke_frame
from strokes.rendering import render
from strokes.registry import (ENTRY_POINT_GROUP, StyleOptionError, UnknownStyleError, get_style, list_styles,
                              refresh_styles, style_class)
from strokes.strokeset import StrokeSet
from strokes.style import Style

BUILTINS = ["marker", "oil", "pen", "pencil", "tape", "watercolor"]


class CrayonStyle(Style):
    """A tiny but real plugin style: a hard-edged waxy line."""
    name = "crayon"
    description = "wax crayon"

    def __init__(self, seed: int = 0, wax: float = 0.9):
        super().__init__(seed)
        self.wax = float(wax)

    def rasterize(self, params, size, window=None):
        f = stroke_frame(params, size, window)
        alpha = coverage(f.dist - f.half_width) * params[:, 14].view(-1, 1, 1) * self.wax
        return lerp_color(params, f.t), alpha[:, None]


class NotAStyle:
    pass


def ep(name, value):
    return importlib.metadata.EntryPoint(name=name, value=value, group=ENTRY_POINT_GROUP)


@pytest.fixture
def plugins(monkeypatch):
    """Install fake entry points: ``plugins(ep(...), ...)``; discovery is refreshed before and after."""
    module = types.ModuleType("fake_strokes_plugin")
    module.CrayonStyle, module.NotAStyle = CrayonStyle, NotAStyle
    monkeypatch.setitem(sys.modules, "fake_strokes_plugin", module)
    calls = []

    def install(*points):
        def fake_entry_points(**kwargs):
            calls.append(kwargs)
            return importlib.metadata.EntryPoints(points) if kwargs.get("group") == ENTRY_POINT_GROUP else ()
        monkeypatch.setattr(importlib.metadata, "entry_points", fake_entry_points)
        refresh_styles()
        return calls

    yield install
    monkeypatch.undo()
    refresh_styles()


def discover():
    """Run discovery, returning the warnings it raised."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        names = list_styles()
    return names, [str(w.message) for w in caught]


class TestDiscovery:
    def test_plugin_is_found_and_draws(self, plugins):
        plugins(ep("crayon", "fake_strokes_plugin:CrayonStyle"))
        names, warned = discover()
        assert names == sorted(BUILTINS + ["crayon"]) and warned == []
        style = get_style("crayon", seed=2, wax=0.5)
        assert isinstance(style, CrayonStyle) and (style.seed, style.wax) == (2, 0.5)
        s = StrokeSet([[.1, .5, .5, .5, .9, .5, .2, .2, 0, 0, 1, 0, 0, 1, 1]], width=40, height=20)
        picture = render(s, "crayon", size=40, wax=1.0)
        assert picture.getpixel((20, 10)) == (0, 0, 255) and picture.getpixel((20, 1)) == (255, 255, 255)

    def test_only_the_strokes_group_is_read(self, plugins):
        calls = plugins(ep("crayon", "fake_strokes_plugin:CrayonStyle"))
        list_styles()
        assert calls == [{"group": ENTRY_POINT_GROUP}]

    def test_discovery_is_cached_and_refreshable(self, plugins):
        calls = plugins(ep("crayon", "fake_strokes_plugin:CrayonStyle"))
        list_styles(), list_styles(), style_class("crayon")
        assert len(calls) == 1
        plugins()                                            # the plugin is uninstalled ...
        assert "crayon" not in list_styles()                 # ... and refresh_styles() noticed

    @pytest.mark.parametrize("value, words", [
        ("no_such_module_anywhere:Style", "ModuleNotFoundError"),
        ("fake_strokes_plugin:Missing", "AttributeError"),
        ("fake_strokes_plugin:NotAStyle", "is not a subclass of strokes.Style"),
    ])
    def test_broken_plugin_is_a_warning_and_the_rest_works(self, plugins, value, words):
        plugins(ep("broken", value), ep("crayon", "fake_strokes_plugin:CrayonStyle"))
        names, warned = discover()
        assert names == sorted(BUILTINS + ["crayon"])
        assert len(warned) == 1
        assert f"style plugin 'broken = {value}' failed to load" in warned[0] and words in warned[0]
        assert isinstance(get_style("crayon"), CrayonStyle) and isinstance(get_style("oil"), Style)

    def test_plugin_that_raises_on_import(self, plugins, monkeypatch):
        def explode(*a, **k):
            raise RuntimeError("needs a GPU driver")
        broken = ep("fragile", "fake_strokes_plugin:CrayonStyle")
        monkeypatch.setattr(importlib.metadata.EntryPoint, "load", lambda self: explode() if self.name == "fragile"
                            else CrayonStyle)
        plugins(broken, ep("crayon", "fake_strokes_plugin:CrayonStyle"))
        names, warned = discover()
        assert "fragile" not in names and "crayon" in names
        assert warned == ["style plugin 'fragile = fake_strokes_plugin:CrayonStyle' failed to load: "
                          "RuntimeError: needs a GPU driver"]

    def test_cannot_replace_a_builtin(self, plugins):
        plugins(ep("oil", "fake_strokes_plugin:CrayonStyle"))
        names, warned = discover()
        assert names == BUILTINS
        assert warned == ["style plugin 'oil = fake_strokes_plugin:CrayonStyle' ignored: "
                          "the name 'oil' is already taken by a built-in style"]
        assert style_class("oil").__module__ == "strokes.styles.oil"

    def test_two_plugins_with_one_name(self, plugins):
        plugins(ep("crayon", "fake_strokes_plugin:CrayonStyle"), ep("crayon", "fake_strokes_plugin:NotAStyle"))
        names, warned = discover()
        assert names.count("crayon") == 1 and style_class("crayon") is CrayonStyle
        assert warned == ["style plugin 'crayon = fake_strokes_plugin:NotAStyle' ignored: "
                          "the name 'crayon' is already taken by another plugin"]

    def test_patching_the_registry_seam_works_too(self, monkeypatch):
        module = types.ModuleType("fake_strokes_plugin")
        module.CrayonStyle = CrayonStyle
        monkeypatch.setitem(sys.modules, "fake_strokes_plugin", module)
        monkeypatch.setattr(registry, "_entry_points", lambda: [ep("crayon", "fake_strokes_plugin:CrayonStyle")])
        refresh_styles()
        try:
            assert "crayon" in list_styles()
        finally:
            monkeypatch.undo()
            refresh_styles()
        assert "crayon" not in list_styles()


class TestLookup:
    def test_unknown_name_lists_the_choices_and_the_group(self, plugins):
        plugins(ep("crayon", "fake_strokes_plugin:CrayonStyle"))
        with pytest.raises(UnknownStyleError) as err:
            get_style("oill")
        assert str(err.value) == ("unknown style 'oill'; available: crayon, marker, oil, pen, pencil, tape, watercolor "
                                  "(third-party styles register under the entry-point group 'strokes.styles')")
        assert isinstance(err.value, ValueError)

    def test_options_are_checked(self, plugins):
        plugins(ep("crayon", "fake_strokes_plugin:CrayonStyle"))
        with pytest.raises(StyleOptionError, match=r"style 'crayon' has no option 'wx'; "
                                                   r"its options are: seed=0, wax=0.9"):
            get_style("crayon", wx=1)
        assert CrayonStyle.option_defaults() == {"seed": 0, "wax": 0.9}
        assert get_style("crayon").options() == {"seed": 0, "wax": 0.9}

    def test_every_builtin_has_seed_and_a_description(self):
        for name in BUILTINS:
            cls = style_class(name)
            assert cls.name == name and cls.description
            assert "seed" in cls.option_defaults()
            assert get_style(name, seed=5).seed == 5

    def test_style_instance_passes_through(self):
        style = get_style("marker")
        assert get_style(style) is style
        with pytest.raises(StyleOptionError, match="already made style"):
            get_style(style, seed=1)

    def test_patterns(self):
        assert list_styles("o*") == ["oil"]
        assert list_styles("*r") == ["marker", "watercolor"]
        assert list_styles("nothing*") == []


def test_cli_lists_plugins_and_reports_broken_ones_in_one_line(plugins, capsys):
    from strokes.cli import main
    plugins(ep("crayon", "fake_strokes_plugin:CrayonStyle"), ep("broken", "no_such_module_anywhere:X"))
    assert main(["styles"]) == 0
    captured = capsys.readouterr()
    row = next(line for line in captured.out.splitlines() if line.startswith("crayon "))
    assert "wax crayon" in row and "[plugin: " in row
    assert captured.err.splitlines() == [
        "strokes: warning: style plugin 'broken = no_such_module_anywhere:X' failed to load: "
        "ModuleNotFoundError: No module named 'no_such_module_anywhere'"]


def test_a_users_own_styles_py_does_not_shadow_the_built_ins(tmp_path):
    import subprocess
    import sys
    (tmp_path / "styles.py").write_text("raise ImportError('this is the user\\'s own styles.py')\n")
    out = subprocess.run([sys.executable, "-c", "import strokes; print(strokes.get_style('oil').name)"],
                         cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert out.stdout.strip() == "oil", out.stderr


def test_setup_cfg_lists_every_package():
    import configparser
    from pathlib import Path
    root = Path(__file__).resolve().parent.parent
    cfg = configparser.ConfigParser()
    cfg.read(root / "setup.cfg")
    listed = set(cfg["options"]["packages"].split())
    found = {".".join(p.parent.relative_to(root).parts) for p in (root / "strokes").rglob("__init__.py")}
    assert found | {"strokes.styles"} <= listed, f"add to setup.cfg's packages: {sorted(found - listed)}"


def test_a_plugin_without_a_window_argument_is_drawn_whole_and_cropped(recwarn):
    import torch

    from strokes import Style, StrokeSet, get_style
    from strokes.geometry import coverage, stroke_frame
    from strokes.rendering import render_tensor

    class Simple(Style):            # rasterize written the simplest way: no window
        name = "simple-test"
        description = "a plain disc per stroke"

        def rasterize(self, params, size):
            f = stroke_frame(params, size)
            alpha = coverage(f.dist - f.half_width)[:, None]
            return params[:, 8:11, None, None].expand(-1, 3, *size), alpha

    class Windowed(Simple):         # the same look, written the fast way
        def rasterize(self, params, size, window=None):
            f = stroke_frame(params, size, window)
            alpha = coverage(f.dist - f.half_width)[:, None]
            return params[:, 8:11, None, None].expand(-1, 3, *alpha.shape[-2:]), alpha

    s = StrokeSet(torch.rand(30, 15, generator=torch.Generator().manual_seed(0)) * 0.3 + 0.35, width=90, height=50)
    slow = render_tensor(s, Simple(), size=90)
    fast = render_tensor(s, Windowed(), size=90)
    assert torch.allclose(slow, fast, atol=1e-6)
    warned = [w for w in recwarn.list if "no 'window'" in str(w.message)]
    assert len(warned) == 1 and "simple-test" in str(warned[0].message)
    # Per-stroke windows reaching past the canvas edge read as transparent there.
    p = s.to_tensor()[:2]
    fg, alpha = Simple().rasterize(p, (50, 90), window=(torch.tensor([-3, 40]), torch.tensor([0, 85]), 12, 12))
    assert alpha.shape == (2, 1, 12, 12) and float(alpha[0, 0, :3].abs().max()) == 0.0
    assert float(alpha[1, 0, :, 5:].abs().max()) == 0.0
    assert get_style(Simple()).name == "simple-test"


def test_a_painting_is_drawn_in_the_look_the_style_paints_in():
    """Pencil draws a painting's broad strokes as hatching, a drawing's lines as graphite."""
    from strokes.registry import style_for
    import numpy as np
    rows = np.array([[.1, .5, .5, .5, .9, .5, .2, .2, .8, .2, .1, .8, .2, .1, 1.]], dtype=np.float32)
    painting, drawing = (StrokeSet(rows, 64, 64, meta={"kind": kind}) for kind in ("painting", "drawing"))
    assert style_for(painting, "pencil").look == "hatching"
    assert style_for(drawing, "pencil").look == "graphite"
    assert style_for(StrokeSet(rows, 64, 64), "pencil").look == "graphite"
    assert style_for(painting, "pencil", look="graphite").look == "graphite"      # the user's option wins
    assert render(painting, "pencil", size=64).tobytes() != render(drawing, "pencil", size=64).tobytes()
