import pytest

from tests.one_thread import single_thread

one_thread = pytest.fixture(autouse=True)(single_thread)
