"""Helpers shared by the tests (and the benchmarks): local sites, workspaces driving the CLI,
databases, archive consistency checks, the scheduler, the hostile server and the dashboard.

Test modules import from here (or use the fixtures of ``tests/conftest.py``), never from
one another.
"""
