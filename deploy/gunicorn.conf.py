"""gunicorn settings for one Lanyard app server behind nginx (deploy/nginx/lanyard.conf).

Run from the project folder, one per port that nginx lists:

    gunicorn -c deploy/gunicorn.conf.py --bind 127.0.0.1:8001 app:app

with DATABASE_URL, REDIS_URL, LANYARD_SECRET_KEY (the same on every server) and LANYARD_TRUSTED_PROXIES=1 set.
"""

import multiprocessing

bind = "127.0.0.1:8001"
# Sync workers: nginx buffers slow clients, so a worker is busy only while the app works on a request.
worker_class = "sync"
workers = multiprocessing.cpu_count() * 2 + 1
# Each worker imports the app itself. Loading it once in the master and forking (preload_app, with gc.freeze)
# was measured on 2026-11-29 (bench/serve.py, 2 workers): the server's PSS fell only from 169 to 159 MiB, since the
# workers soon write to most of what they share, and the first answer came 0.2 s later; not worth a HUP that no
# longer reloads the code. If you turn it on, course/__init__.py already makes each worker open its own database
# connections after the fork.

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
