"""Benchmark of the colour tools: ``python -m strokes.bench color [--quick] [--images DIR] [--out docs]``.

Paints every bench image once (oil), then measures, side by side in one run:

* recolour: for every ordered pair (painting of A, reference B), the sliced
  Wasserstein distance (POT, 200 projections, in the a*b* plane and in full
  Lab) of the painting's pixels to B's, before, after the OT recolouring and
  after the Reinhard-style mean/variance baseline (the painting's statistics taken
  over its pixels, as the transport sees them); the mean change of each
  stroke's L* with keep_lightness; the time of a recolouring;
* palette: K = 4, 8, 16 paints by ``recolor(colors=K)`` (distinct colours,
  PSNR to the input against the unconstrained painting), and painting with
  K = 8 from the start (``paint --colors 8``);
* colourize: the photo turned gray (L* only), painted, then coloured like the
  left half of the colour photo (its colours, not their positions); mean
  chroma error (|ab - ab_true|, Lab units) of that, of the gray painting, and
  of every stroke given the reference's mean chroma;
* style image: one photo painted with ``--style-image`` another, the weight
  swept: colour distance to the style image and PSNR to the photo.

Strokes files of the paintings are kept in ``--cache`` so a rerun of the same code measures without repainting.
"""
from __future__ import annotations

import argparse
import time
from pathlib import Path

from .paint import default_images


def main(argv) -> int:
    import numpy as np
    import torch

    from strokes.atomic import save_image
    from strokes.bench.common import code_version, machine, psnr
    from strokes.color.painting import colour_options
    from strokes.color.lab import image_to_lab, lab_to_rgb, rgb_to_lab
    from strokes.color.recolor import recolor
    from strokes.color.transfer import sliced_distance
    from strokes.files import load, save
    from strokes.images import load_image
    from strokes.painter import paint, resize
    from strokes.rendering import canvas_size, render_tensor, to_image
    from strokes.strokeset import StrokeSet

    parser = argparse.ArgumentParser(prog="python -m strokes.bench color", description=__doc__.split("\n")[0])
    parser.add_argument("--images", type=Path, default=default_images())
    parser.add_argument("--strokes", type=int, default=500)
    parser.add_argument("--size", type=int, default=512)
    parser.add_argument("--quick", action="store_true", help="200 strokes at 256 px")
    parser.add_argument("--style", default="oil")
    parser.add_argument("--weights", default="0.1,0.3,1", help="style-image weights swept (0 is the plain painting)")
    parser.add_argument("--cache", type=Path, default=Path("/tmp/strokes-bench-color"))
    parser.add_argument("--out", type=Path, default=None, help="write pictures to OUT/img/colour-*.png")
    args = parser.parse_args(argv)
    if args.quick:
        args.strokes, args.size = 200, 256
    torch.set_num_threads(1)
    args.cache.mkdir(parents=True, exist_ok=True)
    images = sorted(p for p in args.images.glob("*") if p.suffix.lower() in (".png", ".jpg", ".jpeg"))
    if len(images) < 2:
        parser.error(f"expected at least two pictures in {args.images}, got {len(images)} (use --images DIR)")
    names = [p.stem for p in images]
    photos = {p.stem: load_image(p) for p in images}
    print(f"# strokes.bench color: {len(images)} images, {args.strokes} strokes at {args.size} px, "
          f"style {args.style}; {machine()}; load average {load_average()}; machine shared, figures noisy\n")

    def at_size(img):
        return resize(img, canvas_size(img.shape[2], img.shape[1], args.size))

    version = code_version()

    def painted(key, image, **colour):
        path = args.cache / f"{key}-{args.strokes}-{args.size}-{version}.json"
        if path.exists():
            return load(path), float(load(path).meta.get("bench_seconds", float("nan")))
        options, finish = colour_options(image, **colour)
        t = time.perf_counter()
        p = paint(image, style=args.style, strokes=args.strokes, size=args.size, progress=False, **options)
        strokes = finish(p.strokes)
        seconds = time.perf_counter() - t
        strokes = StrokeSet(strokes.params, strokes.width, strokes.height, strokes.background,
                            {**strokes.meta, "bench_seconds": seconds})
        save(strokes, path)
        print(f"  painted {key}: {seconds:.1f} s", flush=True)
        return strokes, seconds

    def draw(strokes):
        return render_tensor(strokes, style=args.style, size=args.size)

    def lab_pixels(img):
        return image_to_lab(img).reshape(3, -1).T.double().numpy()

    pictures = {}
    base = {n: painted(n, photos[n]) for n in names}
    paint_times = [s for _, s in base.values()]

    # -- recolour ---------------------------------------------------------------------------------
    print("## Recolour (SW distance to the reference's pixels; lower is better)\n")
    print("| painting | reference | a*b* before | a*b* OT | a*b* Reinhard | OT / Reinhard | Lab OT (L moves) "
          "| Lab Reinhard | mean abs dL* per stroke | time |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    ratios, dls, times = [], [], []
    for a in names:
        strokes = base[a][0]
        before = lab_pixels(draw(strokes))
        for b in names:
            if a == b:
                continue
            ref = lab_pixels(at_size(photos[b]))
            t = time.perf_counter()
            ours = recolor(strokes, like=photos[b])
            times.append(time.perf_counter() - t)
            mv = recolor(strokes, like=photos[b], method="mean-variance")
            ours_full = recolor(strokes, like=photos[b], keep_lightness=False)
            mv_full = recolor(strokes, like=photos[b], method="mean-variance", keep_lightness=False)
            drawn = {k: lab_pixels(draw(s)) for k, s in
                     (("ot", ours), ("mv", mv), ("otf", ours_full), ("mvf", mv_full))}
            ab = {k: sliced_distance(v[:, 1:], ref[:, 1:]) for k, v in drawn.items()}
            full = {k: sliced_distance(drawn[k], ref) for k in ("otf", "mvf")}
            ab0 = sliced_distance(before[:, 1:], ref[:, 1:])
            L0 = rgb_to_lab(torch.as_tensor(np.concatenate([strokes.params[:, 8:11], strokes.params[:, 11:14]]),
                                            dtype=torch.float32))[:, 0]
            L1 = rgb_to_lab(torch.as_tensor(np.concatenate([ours.params[:, 8:11], ours.params[:, 11:14]]),
                                            dtype=torch.float32))[:, 0]
            dl = float((L1 - L0).abs().mean())
            ratios.append(ab["ot"] / ab["mv"])
            dls.append(dl)
            print(f"| {a} | {b} | {ab0:.2f} | {ab['ot']:.2f} | {ab['mv']:.2f} | {ab['ot'] / ab['mv']:.2f} "
                  f"| {full['otf']:.2f} | {full['mvf']:.2f} | {dl:.3f} | {times[-1]:.2f} s |", flush=True)
            if (a, b) in (("chelsea", "coffee"), ("astronaut", "chelsea"), ("coffee", "astronaut")):
                pictures[f"recolor-{a}-like-{b}"] = [draw(strokes), draw(mv), draw(ours), at_size(photos[b])]
    print(f"\nmedian OT / Reinhard distance {np.median(ratios):.2f} (target <= 0.70), worst {max(ratios):.2f}; "
          f"mean |dL*| per stroke worst {max(dls):.3f} (target <= 1); recolour time median "
          f"{np.median(times):.2f} s, worst {max(times):.2f} s (target <= 2 s)\n")

    # -- palette ----------------------------------------------------------------------------------
    print("## Palette (PSNR to the input, dB; distinct stroke colours)\n")
    print("| image | unconstrained | K=4 | K=8 | K=16 | paint --colors 8 | paint --colors 8 time |")
    print("|---|---|---|---|---|---|---|")
    for n in names:
        target = at_size(photos[n]).permute(1, 2, 0).numpy()
        score = lambda s: psnr(draw(s).permute(1, 2, 0).numpy(), target)  # noqa: E731
        distinct = lambda s: len(np.unique(s.params[:, 8:14], axis=0))     # noqa: E731
        cells = [f"{score(base[n][0]):.2f}"]
        for k in (4, 8, 16):
            s = recolor(base[n][0], colors=k)
            cells.append(f"{score(s):.2f} ({distinct(s)})")
        s8, sec = painted(f"{n}-colors8", photos[n], colors=8)
        cells.append(f"{score(s8):.2f} ({distinct(s8)})")
        print(f"| {n} | " + " | ".join(cells) + f" | {sec:.1f} s |", flush=True)
        if n == "chelsea":
            pictures["palette-chelsea"] = [at_size(photos[n]), draw(base[n][0]), draw(recolor(base[n][0], colors=8)),
                                           draw(s8)]
    print()

    # -- colourize --------------------------------------------------------------------------------
    print("## Colourize (mean chroma error |ab - ab_true| in Lab units; lower is better)\n")
    print("| image | gray painting | global mean chroma | colourized | mean abs dL* per stroke |")
    print("|---|---|---|---|---|")
    for n in names:
        photo = at_size(photos[n])
        lab = image_to_lab(photo)
        gray = lab_to_rgb(torch.stack([lab[0].reshape(-1), torch.zeros(lab[0].numel()),
                                       torch.zeros(lab[0].numel())], 1)).T.reshape(photo.shape)
        ref = photos[n][:, :, : photos[n].shape[2] // 2]
        strokes, _ = painted(f"{n}-gray", gray)
        col = recolor_like_mean(strokes, ref, image_to_lab, rgb_to_lab, lab_to_rgb)
        from strokes.color.colorize import colorize
        ours = colorize(strokes, gray, ref)
        truth = lab[1:].reshape(2, -1)
        err = lambda s: float((image_to_lab(draw(s))[1:].reshape(2, -1) - truth).norm(dim=0).mean())  # noqa: E731
        L0 = rgb_to_lab(torch.as_tensor(strokes.params[:, 8:11], dtype=torch.float32))[:, 0]
        L1 = rgb_to_lab(torch.as_tensor(ours.params[:, 8:11], dtype=torch.float32))[:, 0]
        print(f"| {n} | {err(strokes):.2f} | {err(col):.2f} | {err(ours):.2f} | {float((L1 - L0).abs().mean()):.3f} |",
              flush=True)
        pictures[f"colorize-{n}"] = [gray, draw(strokes), draw(ours), photo]
    print()

    # -- style image ------------------------------------------------------------------------------
    content, style = ("chelsea", "coffee") if {"chelsea", "coffee"} <= set(names) else (names[0], names[-1])
    print(f"## Style image ({content} painted like {style})\n")
    print("| weight | SW distance to the style (Lab) | PSNR to the photo | time |")
    print("|---|---|---|---|")
    style_lab = lab_pixels(at_size(photos[style]))
    target = at_size(photos[content]).permute(1, 2, 0).numpy()
    row = [draw(base[content][0])]
    for w in [0.0] + [float(v) for v in args.weights.split(",")]:
        s, sec = base[content] if w == 0 else painted(f"{content}-style-{style}-{w:g}", photos[content],
                                                        style_image=photos[style], style_weight=w)
        img = draw(s)
        row.append(img) if w else None
        print(f"| {w:g} | {sliced_distance(lab_pixels(img), style_lab):.2f} | "
              f"{psnr(img.permute(1, 2, 0).numpy(), target):.2f} | {sec:.1f} s |", flush=True)
    pictures[f"style-{content}-like-{style}"] = row[:1] + row[1:] + [at_size(photos[style])]
    print(f"\nunconstrained paintings: median {np.median(paint_times):.1f} s (cached ones: the time they took); "
          f"load average at the end {load_average()}")

    if args.out is not None:
        (args.out / "img").mkdir(parents=True, exist_ok=True)
        for key, row in pictures.items():
            h = min(t.shape[1] for t in row)
            parts = [resize(t, (h, max(1, round(t.shape[2] * h / t.shape[1])))) for t in row]
            sheet = torch.cat([torch.cat([p, torch.ones(3, h, 4)], 2) for p in parts], 2)[:, :, :-4]
            save_image(to_image(sheet), args.out / "img" / f"colour-{key}.png", optimize=True)
        print(f"wrote {len(pictures)} pictures to {args.out / 'img'}")
    return 0


def load_average() -> str:
    import os
    return " ".join(f"{v:.1f}" for v in os.getloadavg())


def recolor_like_mean(strokes, reference, image_to_lab, rgb_to_lab, lab_to_rgb):
    """The baseline of colourizing: every stroke (and the canvas) given the reference's mean a*, b*, its L* kept."""
    import numpy as np
    import torch

    from strokes.strokeset import StrokeSet

    mean_ab = image_to_lab(reference)[1:].reshape(2, -1).mean(1)
    params = strokes.params.copy()
    for cols in (slice(8, 11), slice(11, 14)):
        lab = rgb_to_lab(torch.as_tensor(params[:, cols], dtype=torch.float32))
        lab[:, 1:] = mean_ab
        params[:, cols] = lab_to_rgb(lab).double().numpy()
    bg = rgb_to_lab(torch.tensor([strokes.background]))
    bg[:, 1:] = mean_ab
    return StrokeSet(params, strokes.width, strokes.height, tuple(np.asarray(lab_to_rgb(bg)[0], np.float64)))
