"""Cluster mode on Dask distributed: indexing as Dask tasks, serving from Dask actors.

Why Dask distributed (not Ray): it is pure Python and installs in seconds with a few small
dependencies (Ray is a large binary with its own object store, dashboard and processes);
`dask scheduler` / `dask worker` are plain commands on any machine with Python; and its
Actors are exactly what serving needs: a long-lived object pinned on one worker, called
directly worker-to-client, with the scheduler detecting lost workers. We add no scheduler,
RPC or discovery of our own.

Shards live in one shared directory (the --index DIR, at the same path on every worker and
on the machine running `index`/`serve`: a network file system, or one machine's disk on
loopback). `index --cluster` submits one task per shard (shards.build_shard: read, split,
tag, analyse and build that shard's files); `serve --cluster` starts one `ShardActor` per
shard, spread over the workers, each holding the shard open (its searcher, bitmask caches),
and runs search.py's steps on them for every query (shards.ShardedSearch).

A worker that is lost takes its actors with it: the queries that need them fail with
shards.ShardsUnavailable naming the shards (HTTP 503), never with partial results; the
actors are then placed again on the remaining workers (the shards are on the shared disk),
so the following queries are whole again.

Dask is imported only here and only when a --cluster option is used: it is the optional
extra `policysearch[cluster]`.
"""
from __future__ import annotations

import threading
from pathlib import Path

from policysearch import search, shards
from policysearch.settings import Settings

CALL_TIMEOUT_S = 30          # a shard step that takes longer counts as a lost shard
CONNECT_TIMEOUT = "5s"       # how long reaching a worker may take before it counts as lost


class ClusterUnavailable(Exception):
    """The cluster cannot be used (Dask missing, scheduler unreachable), said in one line."""


def connect(address: str):
    """A Dask client for the scheduler at `address`."""
    try:
        import dask
        from distributed import Client
    except ImportError:
        raise ClusterUnavailable("cluster mode needs Dask distributed: "
                                 "pip install 'policysearch[cluster]'") from None
    dask.config.set({"distributed.comm.timeouts.connect": CONNECT_TIMEOUT})
    try:
        return Client(address, timeout=CONNECT_TIMEOUT)
    except (OSError, TimeoutError) as exc:
        raise ClusterUnavailable(f"cannot reach the Dask scheduler at {address}: {exc}") from None


def _workers(client) -> list[str]:
    workers = sorted(client.scheduler_info()["workers"])
    if not workers:
        raise ClusterUnavailable("the Dask cluster has no workers")
    return workers


def _build_task(task: dict) -> dict:
    # One process per worker here (Dask's workers are the parallelism, and a worker
    # started under a nanny may not fork children of its own).
    return shards.build_shard(**task, workers=1)


def index(corpus_dir: Path, settings: Settings, address: str, count: int | None = None,
          rebuild: bool = False, by: str | None = None) -> dict:
    """Build or update the sharded index at settings.index_dir (a directory every worker
    sees at the same path) with one Dask task per shard; `count` defaults to the existing
    layout's, else the number of workers."""
    client = connect(address)
    try:
        if count is None and shards.layout(settings.index_dir) is None:
            count = len(_workers(client))

        def run(tasks: list[dict]) -> list[dict]:
            futures = client.map(_build_task, tasks, pure=False)
            return client.gather(futures)

        return shards.build(corpus_dir, settings, count=count, rebuild=rebuild, run=run, by=by)
    finally:
        client.close()


class ShardActor:
    """One shard held open on a Dask worker; its methods are search.py's shard steps."""

    def __init__(self, shard_dir: str, cache_dir: str | None):
        self.dir = shard_dir
        search.warm(shard_dir, cache_dir)

    def run(self, step: str, *args):
        """search.py's shard step `step` (shards.STEPS) on this shard."""
        return shards.STEPS[step](self.dir, *args)


class ClusterShards:
    """shards.ShardedSearch's `call` over one ShardActor per shard on the Dask workers."""

    def __init__(self, client, index_dir: Path, settings: Settings):
        shape = shards.layout(index_dir)
        if shape is None:
            raise ClusterUnavailable(f"{index_dir} is not a sharded index; build it with "
                                     "`policysearch index CORPUS --cluster ADDRESS`")
        self.client = client
        self.names = shards.shard_names(shape["count"])
        self.dirs = [str(Path(index_dir).resolve() / name) for name in self.names]
        self.cache_dir = str(settings.cache_dir)
        self.lock = threading.Lock()         # guards self.actors
        self.replacing = threading.Lock()    # one re-placement at a time
        self.actors: dict[int, object] = {}
        self.where: dict[int, str] = {}
        self._place(range(len(self.names)))

    @property
    def count(self) -> int:
        return len(self.names)

    def _place(self, numbers) -> None:
        """Start the actors of shards `numbers`, round-robin over the live workers."""
        workers = _workers(self.client)
        futures = {}
        for n in numbers:
            worker = workers[n % len(workers)]
            futures[n] = self.client.submit(ShardActor, self.dirs[n], self.cache_dir,
                                            actor=True, workers=[worker],
                                            allow_other_workers=False, pure=False)
            self.where[n] = worker
        placed = {n: future.result(timeout=CALL_TIMEOUT_S) for n, future in futures.items()}
        with self.lock:
            self.actors.update(placed)

    def __call__(self, step: str, args: dict[int, tuple]) -> dict[int, object]:
        with self.lock:
            actors = dict(self.actors)
        futures, missing = {}, {}
        for n, a in args.items():
            try:
                futures[n] = actors[n].run(step, *a)
            except Exception as exc:    # the actor's worker is already known to be gone
                missing[n] = _why(exc)
        out = {}
        for n, future in futures.items():
            try:
                out[n] = future.result(timeout=CALL_TIMEOUT_S)
            except search.ParamError:
                raise
            except Exception as exc:
                missing[n] = _why(exc)
        if missing:
            threading.Thread(target=self._replace, args=(missing,), daemon=True).start()
            raise shards.ShardsUnavailable({self.names[n]: f"{why} on worker {self.where[n]}"
                                            for n, why in missing.items()})
        return out

    def _replace(self, missing: dict) -> None:
        """Place the lost shards' actors again on the workers still there, in the
        background (never raises: a later failed query tries again)."""
        if not self.replacing.acquire(blocking=False):
            return
        try:
            self._place(missing)
        except Exception:
            pass
        finally:
            self.replacing.release()


def _why(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}".strip()[:200]


def serve_backend(address: str, index_dir: Path, settings: Settings) -> shards.ShardedSearch:
    """Connect to the cluster, start the shard actors and route searches of `index_dir`
    to them (shards.attach); the client stays open for the life of the server."""
    client = connect(address)
    call = ClusterShards(client, Path(index_dir), settings)
    backend = shards.ShardedSearch(call.count, call)
    shards.attach(index_dir, backend)
    return backend
