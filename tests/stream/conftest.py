"""The `server` fixture of the stream suites: a started view_server, stopped
after the test (suites with other needs define their own)."""

import pytest

from stream_clients import view_server


@pytest.fixture
def server(request, tmp_path):
    srv = view_server(tmp_path)
    request.node._strata_servers = [srv]
    srv.start()
    yield srv
    srv.stop(check=False)
    srv.close()
