"""The scheduler manager and its view of the compute hosts."""
from scheduler import cells, db


class HostManager:
    def __init__(self):
        self.hosts = {}

    def refresh(self):
        self.hosts = cells.scatter_gather_all_cells(db.compute_hosts)


class SchedulerManager:
    def __init__(self):
        self.host_manager = HostManager()
        # Warm the host cache before the first request arrives.
        self.host_manager.refresh()

    def select_destinations(self, count):
        hosts = [host for cell_hosts in self.host_manager.hosts.values() for host in cell_hosts]
        return hosts[:count]
