"""The one error of the colour tools."""


class ColorError(ValueError):
    """A recolouring request that cannot be carried out; the message names the file, option and value."""
