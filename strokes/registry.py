"""Find styles by name: the built-ins in ``strokes.styles`` (the top-level ``styles/`` folder) and third-party plugins.

Third-party styles register under the entry-point group ``strokes.styles``
(entry name = style name, value = ``module:StyleSubclass``). Discovery runs
once and is cached; :func:`refresh_styles` clears the cache. A plugin that
fails to load becomes a warning naming it; a plugin can never replace a
built-in.
"""
from __future__ import annotations

import functools
import importlib
import importlib.metadata
import warnings
from fnmatch import fnmatch

from .boundary import checked
from .errors import StyleOptionError, UnknownStyleError
from .style import Style

ENTRY_POINT_GROUP = "strokes.styles"

BUILTIN_STYLES = {
    "oil": "strokes.styles.oil:OilStyle",
    "marker": "strokes.styles.marker:MarkerStyle",
    "watercolor": "strokes.styles.watercolor:WatercolorStyle",
    "pencil": "strokes.styles.pencil:PencilStyle",
    "tape": "strokes.styles.tape:TapeStyle",
    "pen": "strokes.styles.pen:PenStyle",
}



def _load(target: str) -> type[Style]:
    module, _, attr = target.partition(":")
    obj = getattr(importlib.import_module(module), attr)
    if not (isinstance(obj, type) and issubclass(obj, Style)):
        raise TypeError(f"{target} is not a subclass of strokes.Style")
    return obj


def _entry_points():
    return importlib.metadata.entry_points(group=ENTRY_POINT_GROUP)


@functools.lru_cache(maxsize=None)
def _styles() -> dict[str, type[Style]]:
    found = {name: _load(target) for name, target in BUILTIN_STYLES.items()}
    for ep in sorted(_entry_points(), key=lambda e: e.name):
        where = f"{ep.name} = {ep.value}"
        if ep.name in found:
            origin = "a built-in style" if ep.name in BUILTIN_STYLES else "another plugin"
            warnings.warn(f"style plugin {where!r} ignored: the name {ep.name!r} is already taken by {origin}",
                          RuntimeWarning, stacklevel=2)
            continue
        try:
            cls = ep.load()
            if not (isinstance(cls, type) and issubclass(cls, Style)):
                raise TypeError(f"{ep.value} is not a subclass of strokes.Style")
        except Exception as exc:  # a broken plugin must not break the library
            warnings.warn(f"style plugin {where!r} failed to load: {type(exc).__name__}: {exc}",
                          RuntimeWarning, stacklevel=2)
            continue
        found[ep.name] = cls
    return found


def refresh_styles() -> None:
    """Forget discovered styles so the next call looks at installed plugins again."""
    _styles.cache_clear()


def list_styles(pattern: str = "*") -> list[str]:
    """Names of every available style matching a shell-style pattern, sorted.

    >>> list_styles("*r")
    ['marker', 'watercolor']
    """
    return sorted(n for n in _styles() if fnmatch(n, pattern))


def style_class(name: str) -> type[Style]:
    styles = _styles()
    if name not in styles:
        raise UnknownStyleError(
            f"unknown style {name!r}; available: {', '.join(sorted(styles))} "
            f"(third-party styles register under the entry-point group {ENTRY_POINT_GROUP!r})")
    return styles[name]


def painting_style(name: "str | Style", **options) -> Style:
    """The style as the painter and the neural renderer use it: :func:`get_style` with the class's
    ``paint_options`` under ``options`` (a style instance is returned as it is).

    >>> painting_style("pencil").look
    'hatching'
    """
    if isinstance(name, Style):
        return get_style(name, **options)
    return get_style(name, **{**style_class(name).paint_options, **options})


def style_for(stroke_set, name: "str | Style", **options) -> Style:
    """The style to draw stored strokes in, by what they are (their ``meta["kind"]``).

    A painting (``"painting"``: what ``strokes paint`` writes) is drawn in the
    look the style paints in, its ``paint_options`` (pencil: coloured
    hatching, which shades broad strokes); a drawing (``"drawing"``: ``strokes
    sketch`` and ``strokes trace``) or strokes of no stated kind in the style's
    own defaults (pencil: graphite lines). Options given win either way.
    """
    if isinstance(name, str) and stroke_set.meta.get("kind") == "painting":
        return painting_style(name, **options)
    return get_style(name, **options)


def get_style(name: "str | Style", **options) -> Style:
    """A style instance by name, with options as keyword arguments.

    >>> get_style("marker", seed=3).seed
    3
    """
    if isinstance(name, Style):
        if options:
            raise StyleOptionError(f"options {sorted(options)} given with an already made style {name!r}")
        return checked(name)
    cls = style_class(name)
    known = cls.option_defaults()
    unknown = sorted(set(options) - set(known))
    if unknown:
        raise StyleOptionError(f"style {name!r} has no option {', '.join(map(repr, unknown))}; "
                               f"its options are: {', '.join(f'{k}={v!r}' for k, v in known.items())}")
    return checked(cls(**options))
