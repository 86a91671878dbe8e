"""gunicorn settings for one Lanyard app server behind nginx (deploy/nginx/lanyard.conf).

Run from the project folder, one per port that nginx lists:

    gunicorn -c deploy/gunicorn.conf.py --bind 127.0.0.1:8001 app:app

with DATABASE_URL, REDIS_URL, LANYARD_SECRET_KEY (the same on every server) and LANYARD_TRUSTED_PROXIES=1 set.
"""

import gc
import multiprocessing

bind = "127.0.0.1:8001"
# Sync workers: nginx buffers slow clients, so a worker is busy only while the app works on a request.
worker_class = "sync"
workers = multiprocessing.cpu_count() * 2 + 1
# Load the app once in the master and fork the workers from it: they share its code and course cache instead of
# each importing its own (less memory, quicker start). Each worker opens its own database connections
# (course/__init__.py drops inherited ones at fork). A code upgrade then needs a restart, not a HUP.
preload_app = True


def when_ready(server):
    """Freeze what the master loaded before the workers fork: the garbage collector then never touches those
    objects, so their memory pages stay shared with the master instead of being copied into every worker."""
    gc.freeze()


# Course and zip imports are the slowest requests; nginx waits 60 s as well.
timeout = 60
graceful_timeout = 30
# The app reads X-Forwarded-* itself (LANYARD_TRUSTED_PROXIES), in one place: gunicorn's own handling stays off.
forwarded_allow_ips = ""
secure_scheme_headers = {}
# nginx keeps the access log; gunicorn logs errors to stderr, which the service manager collects.
accesslog = None
errorlog = "-"
# gunicorn's control socket defaults to one path per user, which two servers on one machine would share.
control_socket_disable = True
