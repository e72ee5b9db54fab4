"""Leaving gracefully: a web process that is asked to stop sends its clients elsewhere first."""

from __future__ import annotations

import logging

import socketio

from workflows.events import COLLAB_NAMESPACE, MATCHING_NAMESPACE, SERVER_SHUTDOWN

log = logging.getLogger(__name__)

RECONNECT_NOTICE = {
    "reconnect": True,
    "message": "this server is restarting: reconnect and you will be served by another one",
}


async def send_clients_elsewhere(sio: socketio.AsyncServer) -> None:
    """Tell this process's clients (only this one's) to reconnect, then close their transports.

    The close is Engine.IO's, not a Socket.IO namespace disconnect: clients treat it as a lost
    connection and reconnect on their own (through the load balancer, to another process), while
    a namespace disconnect would tell them not to. Each socket's disconnect handler still runs, so
    the session workflows learn who went away.
    """
    for namespace in (MATCHING_NAMESPACE, COLLAB_NAMESPACE):
        await sio.emit(SERVER_SHUTDOWN, RECONNECT_NOTICE, namespace=namespace, ignore_queue=True)
    clients = len(sio.eio.sockets)
    if clients:
        # Engine.IO's disconnect-all raises on an empty set (asyncio.wait of nothing).
        await sio.eio.disconnect()
    log.info("sent %d clients to reconnect elsewhere", clients)
