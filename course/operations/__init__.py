"""Running a box: the production server, backups and restores, health checks and the admin's commands."""
