"""Shared pytest fixtures for tests/kafka and tests/crash.

pytest finds this conftest.py (rootdir-independent) whenever a file under
tests/ is collected, including a single file run by ctest. It puts tests/ on
sys.path so test modules can `import strata_harness`.
"""

import os
import sys

import pytest

TESTS_DIR = os.path.dirname(os.path.abspath(__file__))
if TESTS_DIR not in sys.path:
    sys.path.insert(0, TESTS_DIR)

from strata_harness import StrataServer  # noqa: E402


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    if rep.failed:
        for srv in getattr(item, "_strata_servers", []):
            rep.sections.append((f"strata server log (port {srv.port}, starts {srv.starts})",
                                 srv.log_tail(120)))


@pytest.fixture
def strata_factory(request):
    """Make servers: strata_factory(data_dir=None, port=None, **kw) -> started StrataServer.

    Every server made is killed and its temp dir removed at teardown, whatever
    happened; a failing test gets the server log tail in its report.
    """
    servers = []
    request.node._strata_servers = servers

    def make(start=True, **kw):
        srv = StrataServer(**kw)
        servers.append(srv)
        if start:
            srv.start()
        return srv

    yield make
    # A server still running at the end must shut down cleanly on SIGTERM
    # (exit code 0); whatever happens, every process is killed and every temp
    # dir removed (STRATA_KEEP_DATA=1 keeps them for a post-mortem).
    errors = []
    for srv in servers:
        try:
            if srv.running():
                srv.stop(timeout=60, check=True)
        except Exception as e:  # noqa: BLE001
            errors.append(e)
        finally:
            srv.close(remove=os.environ.get("STRATA_KEEP_DATA") != "1")
    if errors:
        raise errors[0]


@pytest.fixture
def strata(strata_factory):
    """One started server on a fresh temp data dir and a fixed free port."""
    return strata_factory()
