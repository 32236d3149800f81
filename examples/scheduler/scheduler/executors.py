"""Thread pools shared by the whole scheduler process."""
from concurrent.futures import ThreadPoolExecutor

_EXECUTOR = None


def get_executor():
    """The scatter-gather pool, created on first use (5 threads, as Nova settled on)."""
    global _EXECUTOR
    if _EXECUTOR is None:
        _EXECUTOR = ThreadPoolExecutor(max_workers=5, thread_name_prefix="scatter-gather")
    return _EXECUTOR


def destroy_executor():
    """Shut the pool down; the next get_executor() creates a fresh one (e.g. in a forked child)."""
    global _EXECUTOR
    if _EXECUTOR is None:
        return
    _EXECUTOR.shutdown(wait=True)
    _EXECUTOR = None
