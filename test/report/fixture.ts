/** The fixture workspace the model and renderer tests share, and its hostile file name. */
export const HOSTILE_NAME = '<img src=x onerror=alert(1)>.py';

export const FIXTURE_FILES: Record<string, string> = {
  'app/__init__.py': '',
  'app/pools.py':
    'from concurrent.futures import ThreadPoolExecutor\nfrom oslo_config import cfg\n\nCONF = cfg.CONF\nEXECUTOR = ThreadPoolExecutor(max_workers=5)\n\n\n' +
    'def scatter(items):\n    with ThreadPoolExecutor(CONF.scheduler.workers) as pool:\n        return list(pool.map(str, items))\n',
  'app/green.py': 'import eventlet\n\neventlet.monkey_patch()\n# eventlet is going away\nPOOL = eventlet.GreenPool(10)\n\n\ndef start(fn):\n    eventlet.spawn(fn)\n    eventlet.sleep(0)\n',
  'main.py': 'import os\n\nfrom app.pools import EXECUTOR\n\npid = os.fork()\n',
  [HOSTILE_NAME]: 'import eventlet\n',
};
