from pathlib import Path

from policysearch.settings import Settings


def test_defaults_bind_loopback_and_index_dir():
    s = Settings.load(environ={})
    assert s.host == "127.0.0.1"
    assert s.port == 5000
    assert s.index_dir == Path("index")


def test_environment_then_overrides():
    env = {"POLICYSEARCH_INDEX": "/tmp/ix", "POLICYSEARCH_PORT": "8080"}
    s = Settings.load(environ=env)
    assert s.index_dir == Path("/tmp/ix") and s.port == 8080
    s = Settings.load(environ=env, index_dir="/tmp/other", port=None)
    assert s.index_dir == Path("/tmp/other") and s.port == 8080
