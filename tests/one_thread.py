"""The tests' one-thread setting, made an autouse fixture by the conftest of each folder that wants it."""
import torch


def single_thread():
    """Tiny tensors, where a second intra-op thread only adds synchronisation (and on a busy
    machine, waits of many milliseconds per operation): one torch thread, restored after."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)
