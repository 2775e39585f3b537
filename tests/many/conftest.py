import pytest
import torch


@pytest.fixture(autouse=True)
def one_thread():
    """Paintings are compared byte for byte with those of one-thread workers."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)
