"""The product's ASGI application (expo.asgi), with one addition for bench.pages: every HTTP
response carries the server process's CPU time so far (`Server-CPU-Ns`: time.process_time_ns,
all threads, including the ones that ended). The difference between two consecutive responses
of one-at-a-time requests is one request's server CPU."""

import time

from expo.asgi import application as product


async def application(scope, receive, send):
    if scope["type"] != "http":
        return await product(scope, receive, send)

    async def send_with_cpu(message):
        if message["type"] == "http.response.start":
            cpu = b"%d" % time.process_time_ns()
            headers = [*message.get("headers", []), (b"server-cpu-ns", cpu)]
            message = {**message, "headers": headers}
        await send(message)

    return await product(scope, receive, send_with_cpu)
