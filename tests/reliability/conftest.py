import pytest

from .helpers import stroke_set


@pytest.fixture
def still(tmp_path):
    path = tmp_path / "still.json"
    stroke_set().save(path)
    return path
