import pytest
import torch


@pytest.fixture(autouse=True)
def one_thread():
    """The painter's tests work on tiny tensors, where a second intra-op thread only adds
    synchronisation (and on a busy machine, waits of many milliseconds per operation)."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)
