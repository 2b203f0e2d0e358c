"""Work that many sockets of one process ask for at nearly the same moment, done once.

In a reconnect storm (a web process or Redis restarted) hundreds of sockets open the same booth
and replay the same rooms within a second, each asking the database the same question. Here a
request joins the batch of its key: the batch's work starts GATHER_SECONDS after its first
request, runs once in the thread pool and every member gets the result (or the error). A batch
whose work has started takes no new members (a later request starts the next batch), so the
work always starts after each member asked and sees everything a member did before asking
(joining a room, a heartbeat): nothing is served from before a member's own state.

The fault suite's storm (bench/faults.py, docs/performance.md "Reconnect storms") showed the
cost: the surviving process spent most of its CPU on the same few queries per socket.
"""

import asyncio
import weakref

from channels.db import database_sync_to_async

GATHER_SECONDS = 0.02


class Shared:
    """shared = Shared(work, merge); `await shared(key, arg)` runs work(key, arg) in the thread
    pool, once per batch of the requests for `key` made within GATHER_SECONDS of each other.
    merge(a, b) combines the args of a batch's members (None: the first member's arg)."""

    def __init__(self, work, merge=None):
        self.work = work
        self.merge = merge
        self._batches: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict] = (
            weakref.WeakKeyDictionary()
        )
        self.runs = 0  # how many times the work ran (tests, stats)

    async def __call__(self, key, arg=None):
        loop = asyncio.get_running_loop()
        batches = self._batches.setdefault(loop, {})
        batch = batches.get(key)
        if batch is None:
            batch = batches[key] = {"arg": arg, "future": loop.create_future()}
            loop.call_later(GATHER_SECONDS, lambda: asyncio.ensure_future(self._run(key, batch)))
        elif self.merge is not None:
            batch["arg"] = self.merge(batch["arg"], arg)
        return await asyncio.shield(batch["future"])

    async def _run(self, key, batch):
        batches = self._batches.get(asyncio.get_running_loop(), {})
        if batches.get(key) is batch:
            del batches[key]  # later requests start the next batch
        self.runs += 1
        future = batch["future"]
        try:
            result = await database_sync_to_async(self.work, thread_sensitive=False)(
                key, batch["arg"]
            )
        except Exception as error:  # noqa: BLE001 - every member sees it
            future.set_exception(error)
            future.exception()  # retrieved: no "never retrieved" warning if every member left
        else:
            future.set_result(result)
