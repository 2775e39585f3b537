"""``strokes target``: one line-drawing filter of a photo (dodge, xdog, threshold, edges) as a gray PNG."""
from __future__ import annotations

from pathlib import Path

HELP = "write one line-drawing filter of a photo (dodge, xdog, threshold, edges, image) as a grayscale image"


def add_arguments(parser) -> None:
    from strokes.targets import KINDS
    parser.add_argument("image", metavar="IMAGE", help="photo to filter")
    parser.add_argument("-o", "--out", required=True, metavar="OUT.png", help="image file to write (.png, .jpg, ...)")
    parser.add_argument("--kind", default="dodge", choices=tuple(KINDS),
                        help="dodge (Sketchify's pencil sketch), xdog (extended difference of Gaussians), threshold "
                             "(adaptive, the binary manga look), edges (Canny), image (grayscale) (default: dodge)")
    parser.add_argument("--size", type=int, default=None, metavar="PX",
                        help="longest side in pixels (default: the photo's own size)")


def run(args) -> int:
    from PIL import Image

    from strokes.atomic import save_image
    from strokes.images import load_image
    from strokes.painter import resize
    from strokes.rendering import canvas_size
    from strokes.targets import make_target

    out = Path(args.out)
    if out.suffix.lower() not in Image.registered_extensions():
        raise ValueError(f"{out}: unknown image suffix {out.suffix!r}; expected .png, .jpg, ...")
    photo = load_image(args.image)
    if args.size is not None:
        photo = resize(photo, canvas_size(photo.shape[2], photo.shape[1], args.size))
    g = make_target(photo, args.kind)[0]
    pixels = (g.clamp(0, 1) * 255 + 0.5).to(dtype=__import__("torch").uint8).numpy()
    save_image(Image.fromarray(pixels, "L"), out)
    print(f"wrote {out} ({pixels.shape[1]}x{pixels.shape[0]}, {args.kind})")
    return 0
