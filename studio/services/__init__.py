"""Domain services: the one place web views, the API, the CLI and Celery tasks call into."""
