"""What makes each built-in style its medium (issue 5): checks one style at a time."""
from __future__ import annotations

import pytest
import torch

from strokes import get_style

from tests.styles.helpers import draw, psnr_min, psnr_2x, scattered, stroke


class TestMarker:
    def test_constant_width(self):
        # A stroke that asks for a taper stays as wide at the end as at the start.
        alpha = get_style("marker").rasterize(stroke(w0=.3, w2=.1), (60, 100))[1][0, 0]
        start, end = alpha[:, 30], alpha[:, 70]
        assert abs(float(start.sum()) - float(end.sum())) < 0.5

    def test_translucent_and_overlaps_darken(self):
        st = get_style("marker")
        one = draw(st, stroke(), (40, 60), background=(1, 1, 1))
        two = draw(st, torch.cat([stroke(), stroke()]), (40, 60), background=(1, 1, 1))
        centre = (slice(None), 20, 30)
        assert float(one[centre].mean()) < 0.9                    # visibly inked...
        assert float(one[centre][0]) < 0.99 or float(one[centre][1]) > 0.15  # ...but not the full colour
        assert float(two[centre].sum()) < float(one[centre].sum()) - 0.05     # a second pass is darker

    def test_rounded_ends(self):
        alpha = get_style("marker").rasterize(stroke(x0=.3, x2=.7, w0=.4, w2=.4), (50, 50))[1][0, 0]
        # Past the end point the ink reaches half a width on the axis, less off the axis.
        assert float(alpha[25, 42]) > 0.3
        assert float(alpha[16, 42]) < float(alpha[25, 42])


class TestTape:
    def test_edges_are_a_sharp_step(self):
        # Edges on pixel boundaries: the strip is 1 inside, 0 outside, nothing between.
        p = stroke(x0=.1, y0=.5, x1=.3, y1=.5, x2=.9, y2=.5, w0=.4, w2=.4, opacity=1.0)
        alpha = get_style("tape").rasterize(p, (40, 40))[1][0, 0]
        column = alpha[:, 20]
        assert torch.equal(column[:12], torch.zeros(12)) and torch.equal(column[12:28], torch.ones(16))
        assert torch.equal(column[28:], torch.zeros(12))

    def test_edge_between_pixels_takes_one_pixel(self):
        p = stroke(x0=.1, y0=.5, x2=.9, y2=.5, w0=.37, w2=.37, opacity=1.0)
        alpha = get_style("tape").rasterize(p, (40, 40))[1][0, 0]
        column = alpha[:, 20]
        partial = ((column > 0.01) & (column < 0.99)).sum()
        assert int(partial) == 2                                   # one pixel at each edge

    def test_flat_colour_and_straight_from_p0_to_p2(self):
        st = get_style("tape")
        bent = stroke(x0=.1, y0=.5, x1=.5, y1=.05, x2=.9, y2=.5, w0=.2, w2=.2, r2=.1, g2=.1, b2=.9)
        straight = bent.clone()
        straight[0, 3] = .5
        fg_b, a_b = st.rasterize(bent, (40, 60))
        fg_s, a_s = st.rasterize(straight, (40, 60))
        assert torch.equal(a_b, a_s)                               # P1 is ignored
        inside = a_s[0, 0] > 0.99
        colours = fg_s[0][:, inside]
        assert float((colours.amax(1) - colours.amin(1)).max()) < 1e-6  # one flat colour

    def test_cut_ends_are_square(self):
        p = stroke(x0=.25, y0=.5, x2=.75, y2=.5, w0=.5, w2=.5)
        alpha = get_style("tape").rasterize(p, (40, 40))[1][0, 0]
        # The corner just inside the strip is fully covered (a round cap would not reach it).
        assert float(alpha[11, 10]) == 1.0 and float(alpha[11, 9]) == 0.0

    def test_strongly_bent_stroke_drawn_whole_by_the_library(self):
        """The library plans where to draw from ``TapeStyle.paint_path``, not the stored Bezier."""
        st = get_style("tape")
        bent = stroke(x0=.05, y0=.9, x1=.5, y1=-1.5 + 1.6, x2=.95, y2=.9, w0=.1, w2=.1)
        bent[0, 3] = 0.0
        picture = draw(st, bent, (200, 200), background=(1, 1, 1))
        fg, alpha = st.rasterize(bent, (200, 200))
        expected = fg[0] * alpha[0] + (1 - alpha[0])
        torch.testing.assert_close(picture, expected, atol=1e-5, rtol=0)


class TestWatercolor:
    def test_single_stroke_is_translucent_inside(self):
        p = stroke(w0=.3, w2=.3, opacity=1.0)
        alpha = get_style("watercolor").rasterize(p, (80, 120))[1][0, 0]
        inside = alpha[34:46, 40:80]
        assert 0.1 < float(inside.mean()) < 0.7
        assert float(inside.max()) < 0.95

    def test_pigment_pools_at_the_edge(self):
        p = stroke(y0=.5, y1=.5, y2=.5, w0=.5, w2=.5, opacity=1.0)
        pooled = draw(get_style("watercolor"), p, (200, 300), background=(1, 1, 1)).mean(0)
        plain = draw(get_style("watercolor", pooling=0.0), p, (200, 300), background=(1, 1, 1)).mean(0)
        darker = (plain - pooled)[:, 60:240]                       # how much pooling darkens, (rows, cols)
        rim = torch.cat([darker[40:70], darker[130:160]])          # rows around the wandering edges
        assert float(rim.amax(0).mean()) > 0.1                     # a dark rim along the edges...
        assert float(darker[95:105].abs().max()) < 0.02            # ...not in the middle

    def test_paint_bleeds_past_the_nominal_width(self):
        st = get_style("watercolor")
        assert st.reach > 1
        p = stroke(w0=.3, w2=.3)
        alpha = st.rasterize(p, (200, 300))[1][0, 0]
        # Beyond the nominal edge (30 px from the centre row 100) some columns still carry paint.
        assert float(alpha[135:140, 70:230].max()) > 0.02


class TestPencil:
    def test_monochrome_is_gray(self):
        p = stroke(r0=.9, g0=.2, b0=.1, r2=.1, g2=.8, b2=.3)
        fg, alpha = get_style("pencil", monochrome=True).rasterize(p, (40, 60))
        assert float((fg[0, 0] - fg[0, 1]).abs().max()) == 0.0
        assert float((fg[0, 1] - fg[0, 2]).abs().max()) == 0.0
        picture = draw(get_style("pencil", monochrome=True), p, (40, 60), background=(1, 1, 1))
        assert float((picture[0] - picture[1]).abs().max()) < 1e-6

    def test_monochrome_twice_the_size_downsampled_matches(self):
        value = psnr_2x(get_style("pencil", monochrome=True), scattered(12), (96, 144))
        assert value >= psnr_min(get_style("pencil")), f"{value:.1f} dB"

    def test_colour_pencil_keeps_the_colour(self):
        picture = draw(get_style("pencil", monochrome=False), stroke(), (40, 60), background=(1, 1, 1))[:, 17:23, 15:45]
        assert float((picture[0] - picture[1]).mean()) > 0.15      # a red stroke draws red

    @staticmethod
    def darkness(style, p, size):
        """``(H, W)``: how much darker than white paper the drawing is."""
        return 1 - draw(style, p, size, background=(1, 1, 1)).mean(0)

    def test_darker_where_pressed(self):
        p = stroke(w0=.05, w2=.05)
        light = self.darkness(get_style("pencil", pressure=0.4), p, (100, 150)).sum()
        heavy = self.darkness(get_style("pencil", pressure=1.0), p, (100, 150)).sum()
        assert float(heavy) > 1.5 * float(light)

    def test_line_fades_towards_its_end(self):
        p = stroke(w0=.05, w2=.05)
        dark = self.darkness(get_style("pencil", decay=0.6), p, (100, 150))
        assert float(dark[:, 35:55].sum()) > 1.2 * float(dark[:, 95:115].sum())

    def test_light_stroke_shows_over_a_dark_one(self):
        dark, light = stroke(r0=.1, g0=.1, b0=.1, r2=.1, g2=.1, b2=.1), stroke(r0=.9, g0=.9, b0=.9, r2=.9, g2=.9, b2=.9)
        for monochrome in (False, True):
            st = get_style("pencil", look="hatching", monochrome=monochrome)
            under = self.darkness(st, dark, (60, 90))[25:35, 30:60].mean()
            both = self.darkness(st, torch.cat([dark, light]), (60, 90))[25:35, 30:60].mean()
            assert float(both) < 0.6 * float(under)

    @pytest.mark.parametrize("look", ["graphite", "hatching"])
    def test_grain_breaks_up_the_line(self, look):
        # At a size where the paper grain is resolved, the line is not one flat value.
        p = stroke(w0=.02, w2=.02)
        fg, alpha = get_style("pencil", look=look).rasterize(p, (600, 900), window=(290, 300, 20, 200))
        on_white = (fg * alpha + 1 - alpha)[0].mean(0)             # (20, 200)
        assert float(on_white[8:12].std()) > 0.05


class TestGraphite:
    """The default pencil look: one graphite line per stroke."""

    @staticmethod
    def darkness(style, p, size):
        return 1 - draw(style, p, size, background=(1, 1, 1)).mean(0)

    def test_pressure_tapers_at_both_ends(self):
        dark = self.darkness(get_style("pencil", decay=0.0, grain=0.0), stroke(w0=.04, w2=.04), (100, 150))
        cols = dark.sum(0)                                      # the stroke runs from x = 30 to x = 120
        middle = float(cols[65:85].mean())
        assert float(cols[31:35].mean()) < 0.6 * middle and float(cols[115:119].mean()) < 0.6 * middle

    def test_darker_where_lines_cross(self):
        across = stroke(w0=.03, w2=.03, x0=.5, y0=.2, x1=.5, y1=.5, x2=.5, y2=.8)
        st = get_style("pencil", grain=0.0)
        one = self.darkness(st, stroke(w0=.03, w2=.03), (100, 150))[48:53, 73:78].mean()
        both = self.darkness(st, torch.cat([stroke(w0=.03, w2=.03), across]), (100, 150))[48:53, 73:78].mean()
        assert float(both) > 1.3 * float(one)

    def test_grain_belongs_to_the_paper_not_the_stroke(self):
        # A horizontal and a vertical stroke over the same patch show the same tooth there.
        import torch.nn.functional as F
        st = get_style("pencil", taper=0.01, decay=0.0)
        flat = dict(w0=.5, w2=.5, r0=0, g0=0, b0=0, r2=0, g2=0, b2=0, opacity=.5)
        h = stroke(**flat)
        v = stroke(x0=.5, y0=.0, x1=.5, y1=.5, x2=.5, y2=1., **flat)
        size = (400, 600)
        patches = []
        for p in (h, v):
            a = st.rasterize(p, size)[1][0, :, 180:220, 280:320]
            patches.append((a - F.avg_pool2d(a[None], 5, 1, 2, count_include_pad=False)[0]).flatten())
        corr = torch.corrcoef(torch.stack(patches))[0, 1]
        assert float(corr) > 0.8, float(corr)

    def test_monochrome_by_default_colour_as_an_option(self):
        red = stroke(w0=.05, w2=.05)
        gray = draw(get_style("pencil"), red, (40, 60), background=(1, 1, 1))
        assert float((gray[0] - gray[1]).abs().max()) < 1e-6
        colour = draw(get_style("pencil", monochrome=False), red, (40, 60), background=(1, 1, 1))
        assert float((colour[0] - colour[1]).max()) > 0.1


class TestOil:
    def test_opaque_body(self):
        alpha = get_style("oil").rasterize(stroke(w0=.3, w2=.3), (80, 120))[1][0, 0]
        assert float(alpha[38:42, 30:60].min()) > 0.95

    def test_colour_runs_from_start_to_end(self):
        p = stroke(r0=.9, g0=.1, b0=.1, r2=.1, g2=.1, b2=.9, w0=.3, w2=.3)
        fg, alpha = get_style("oil").rasterize(p, (80, 120))
        start, end = fg[0, :, 40, 30], fg[0, :, 40, 90]
        assert float(start[0]) > float(start[2]) and float(end[2]) > float(end[0])

    def test_bristle_streaks_run_along_the_stroke(self):
        # Along a horizontal stroke the colour changes much less than across it.
        p = stroke(w0=.3, w2=.3)
        fg = get_style("oil").rasterize(p, (400, 600), window=(170, 150, 60, 200))[0][0].mean(0)
        along = (fg[:, 1:] - fg[:, :-1]).abs().mean()
        across = (fg[1:, :] - fg[:-1, :]).abs().mean()
        assert float(across) > 2 * float(along)

    def test_single_hairs_come_in_on_wide_strokes_only(self):
        p = stroke(w0=.3, w2=.3, r0=.6, g0=.5, b0=.4, r2=.6, g2=.5, b2=.4)
        with_hairs, without = get_style("oil"), get_style("oil", hairs=0)
        # 0.3 of 40 px: a 12-px stroke, too narrow in pixels for single hairs: the same picture.
        narrow = [s.rasterize(p, (40, 60)) for s in (with_hairs, without)]
        assert all(torch.equal(a, b) for a, b in zip(*narrow))
        # A 150-px stroke shows them: a fine relief of streaks along it (that they average out when the picture is
        # drawn large and shrunk is TestResolution's).
        wide = [s.rasterize(p, (500, 750), window=(220, 260, 60, 100))[0][0] for s in (with_hairs, without)]
        hairs = (wide[0] - wide[1]).mean(0)                       # (60, 100) luminance difference
        assert float(hairs.abs().mean()) > 0.002                   # about 1/255 on average, up to 4x that
        across = (hairs[1:] - hairs[:-1]).abs().mean()
        along = (hairs[:, 1:] - hairs[:, :-1]).abs().mean()
        assert float(across) > 3 * float(along)                   # streaks run along the stroke

    def test_dry_tail_breaks_up(self):
        p = stroke(w0=.3, w2=.3)
        alpha = get_style("oil", dry=1.0).rasterize(p, (200, 300))[1][0, 0]
        head, tail = alpha[75:125, 70:90], alpha[75:125, 225:240]
        assert float(head.mean()) > 0.95 and float(tail.mean()) < float(head.mean()) - 0.1

    def test_broad_strokes_are_lean_paint_narrow_ones_full_bodied(self):
        """Fat over lean: a broad stroke (the lay-in) has fainter streaks and a tail that fades
        rather than breaks up; a narrow one is drawn exactly as with ``lean=0``."""
        lean, fat = get_style("oil"), get_style("oil", lean=0)
        narrow = stroke(w0=.03, w2=.03)
        assert all(torch.equal(a, b) for a, b in zip(lean.rasterize(narrow, (400, 600)),
                                                     fat.rasterize(narrow, (400, 600))))
        broad = stroke(w0=.2, w2=.2, r0=.6, g0=.5, b0=.4, r2=.6, g2=.5, b2=.4)
        (fg_lean, a_lean), (fg_fat, a_fat) = (s.rasterize(broad, (200, 300)) for s in (lean, fat))
        streaks = [float(fg[0, :, 85:115, 80:140].mean(0).std()) for fg in (fg_lean, fg_fat)]
        assert streaks[0] < 0.8 * streaks[1], streaks                        # the relief's shading stays
        assert float(a_lean[0, 0, 85:115, 80:140].min()) > 0.95              # the body stays opaque
        tail = a_lean[0, 0, 85:115, 215:235], a_fat[0, 0, 85:115, 215:235]
        broken = [float(((t > 0.05) & (t < 0.95)).float().mean()) for t in tail]
        assert broken[0] > broken[1] + 0.2, broken                           # partly covered: feathered


def test_a_pen_of_no_nib_draws_a_line_of_no_width_as_nothing():
    import torch
    from strokes.registry import get_style
    line = torch.tensor([[.1, .5, .5, .5, .9, .5, 0, 0, 0, 0, 0, 0, 0, 0, 1.]], requires_grad=True)
    fg, alpha = get_style("pen", min_width=0).rasterize(line, (16, 16))
    assert torch.isfinite(alpha).all() and float(alpha.detach().max()) == 0
    alpha.sum().backward()
    assert torch.isfinite(line.grad).all()
