"""Entry point: `python -m scheduler.cmd --config-file scheduler.conf`."""
import sys

from oslo_config import cfg
from oslo_service import service

from scheduler.manager import SchedulerManager

CONF = cfg.CONF


class SchedulerService(service.Service):
    def __init__(self):
        super().__init__()
        self.manager = SchedulerManager()


def main():
    CONF(sys.argv[1:], project="scheduler")
    server = SchedulerService()
    launcher = service.launch(CONF, server, workers=4)
    launcher.wait()


if __name__ == "__main__":
    main()
