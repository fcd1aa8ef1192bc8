"""Settings, declared once: name, default, environment variable and help.

CLI options and the environment flow into one `Settings` object; no other module reads
the environment.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, fields, field
from pathlib import Path


def _setting(default, env: str | None, help: str):
    return field(default=default, metadata={"env": env, "help": help})


@dataclass(frozen=True)
class Settings:
    index_dir: Path = _setting(Path("index"), "POLICYSEARCH_INDEX",
                               "index directory (default: $POLICYSEARCH_INDEX, else ./index)")
    cache_dir: Path = _setting(Path.home() / ".cache" / "policysearch", "POLICYSEARCH_CACHE",
                               "writable directory for jieba's dictionary cache")
    host: str = _setting("127.0.0.1", "POLICYSEARCH_HOST", "address to serve on")
    port: int = _setting(5000, "POLICYSEARCH_PORT", "port to serve on")
    base_url: str = _setting("", "POLICYSEARCH_BASE_URL",
                             "address the server is reached at, for the absolute links of "
                             "feeds, OpenSearch and CSV (default: http://HOST:PORT); the "
                             "request's Host header is never trusted for them")
    workers: int = _setting(os.cpu_count() or 1, "POLICYSEARCH_WORKERS",
                            "processes used for analysis while indexing")

    @classmethod
    def load(cls, environ: dict[str, str] | None = None, **overrides) -> "Settings":
        """Defaults, then the environment, then explicit (non-None) overrides."""
        environ = os.environ if environ is None else environ
        values = {}
        for f in fields(cls):
            env = f.metadata.get("env")
            if env and environ.get(env):
                values[f.name] = _coerce(f.default, environ[env])
        values.update({k: _coerce(getattr(cls, k), v) for k, v in overrides.items() if v is not None})
        return cls(**values)

    @property
    def public_url(self) -> str:
        """base_url, else the bound address (IPv6 in brackets), without a trailing slash."""
        if self.base_url:
            return self.base_url.rstrip("/")
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @classmethod
    def help(cls, name: str) -> str:
        return next(f.metadata["help"] for f in fields(cls) if f.name == name)


def _coerce(default, value):
    if isinstance(default, Path):
        return Path(value)
    if isinstance(default, int) and not isinstance(value, int):
        return int(value)
    return value
