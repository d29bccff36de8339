"""Benchmarks that start the studio's real processes and print figures (`studio bench ...`)."""
