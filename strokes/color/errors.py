"""The one error of the colour tools."""
from ..errors import StrokesError


class ColorError(StrokesError, ValueError):
    """A recolouring request that cannot be carried out; the message names the file, option and value."""
