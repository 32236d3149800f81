"""Connections to the cell databases."""
from sqlalchemy import create_engine, text

CELL_URLS = {
    "cell1": "mysql+pymysql://nova:secret@cell1-db/nova",
    "cell2": "mysql+pymysql://nova:secret@cell2-db/nova",
}

_ENGINES = {}


def cell_engine(cell):
    if cell not in _ENGINES:
        _ENGINES[cell] = create_engine(CELL_URLS[cell], pool_size=5)
    return _ENGINES[cell]


def compute_hosts(cell):
    with cell_engine(cell).connect() as connection:
        rows = connection.execute(text("SELECT host FROM compute_nodes WHERE deleted = 0"))
        return [row.host for row in rows]
