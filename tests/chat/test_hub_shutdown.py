"""The hub's loops end when they are cancelled, even when a cancellation was swallowed on the
way: on Python 3.11 asyncio.wait_for returns its inner result when that completes in the same
loop turn as the cancellation, and the probe waits through wait_for. A loop that went on would
hang a server's shutdown, and did hang a test's event loop closing (the suite stopped in
test_rate_limits' teardown, in Hub._supervise)."""

import asyncio
import contextlib

import pytest
from channels.layers import get_channel_layer

from chat import fanout


class Unstick(BaseException):
    """Ends a loop that did not stop (so that a failing test does not hang the suite)."""


async def swallowing_cancellation(stuck=None):
    """What a probe does when wait_for drops the cancellation: it returns normally."""
    if stuck is not None and stuck.is_set():
        raise Unstick
    try:
        await asyncio.sleep(60)
    except asyncio.CancelledError:
        return False


@pytest.mark.parametrize("loop_name", ["_supervise", "_run", "_dispatch_pending"])
async def test_a_hub_loop_stops_when_its_cancellation_was_swallowed(loop_name):
    hub = fanout.Hub(get_channel_layer())
    hub.probe_seconds = 0.01
    entered, stuck = asyncio.Event(), asyncio.Event()

    async def receive(channel):
        entered.set()
        return await swallowing_cancellation(stuck)

    async def wait():
        entered.set()
        await swallowing_cancellation(stuck)

    hub.layer = type("Layer", (), {"receive": staticmethod(receive)})()
    hub._wakeup = type("Wakeup", (), {"clear": lambda self: None, "wait": staticmethod(wait)})()

    async def check():
        entered.set()
        return await swallowing_cancellation(stuck)

    hub.check = check
    task = asyncio.ensure_future(getattr(hub, loop_name)())
    await asyncio.wait_for(entered.wait(), 10)

    task.cancel()
    done, _pending = await asyncio.wait([task], timeout=10)
    if task not in done:
        stuck.set()
        task.cancel()  # out of its current wait, into the next one, which raises Unstick
        with contextlib.suppress(Unstick, asyncio.CancelledError):
            await task

    assert task in done, f"Hub.{loop_name} went on after its cancellation"
    assert task.cancelled()
