"""Celery side of the studio: the app bound to Flask, tasks and channel adapters."""
