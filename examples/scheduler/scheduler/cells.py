"""Scatter-gather: run one query against every cell database in parallel."""
import concurrent.futures

from scheduler import db
from scheduler.executors import get_executor


def scatter_gather_all_cells(fn):
    executor = get_executor()
    futures = {executor.submit(fn, cell): cell for cell in db.CELL_URLS}
    done, _ = concurrent.futures.wait(futures)
    return {futures[future]: future.result() for future in done}
