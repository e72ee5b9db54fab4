"""Students in a room the way the frontend puts them there: matched through ``/matching``, then
Yjs peers (pycrdt) on ``/collab`` editing the shared ``Y.Text`` named ``content``."""

from __future__ import annotations

from collections.abc import Callable

from pycrdt import Doc, Text

from tests.helpers.accounts import Account, Accounts
from tests.helpers.live_stack import LiveStack
from tests.helpers.socket_peer import SocketPeer
from tests.helpers.waiting import eventually
from workflows.events import COLLAB_NAMESPACE, MATCHING_NAMESPACE

Peers = Callable[[str, str], SocketPeer]


class Typist:
    """A Yjs author with no socket: the updates it makes are handed over by the test."""

    def __init__(self) -> None:
        self.doc: Doc[Text] = Doc()
        self.text = self.doc.get("content", type=Text)

    def type(self, index: int, value: str) -> bytes:
        before = self.doc.get_state()
        self.text.insert(index, value)
        return self.doc.get_update(before)


class Editor:
    """A Yjs peer: its own document, kept in step with the room through one socket."""

    def __init__(self, peer: SocketPeer) -> None:
        self.peer = peer
        self.doc: Doc[Text] = Doc()
        self.text = self.doc.get("content", type=Text)
        self.applied = 0

    def catch_up(self) -> None:
        """Apply every state and update the socket has received since the last call."""
        incoming = [
            data
            for name, data in self.peer.received
            if name in ("collab:state", "collab:update") and isinstance(data, bytes)
        ]
        for data in incoming[self.applied :]:
            self.doc.apply_update(data)
        self.applied = len(incoming)

    async def type(self, index: int, value: str) -> None:
        before = self.doc.get_state()
        self.text.insert(index, value)
        await self.peer.emit("collab:update", self.doc.get_update(before))

    async def delete_all(self) -> None:
        self.catch_up()
        before = self.doc.get_state()
        del self.text[0 : len(self.text)]
        await self.peer.emit("collab:update", self.doc.get_update(before))


async def matched_room(
    stack: LiveStack, peers: Peers, accounts: Accounts
) -> tuple[str, Account, Account]:
    """Two students matched through /matching for real; their room id."""
    alice, bob = await accounts.signup(), await accounts.signup()
    sockets = []
    for account in (alice, bob):
        peer = peers(stack.base_url, MATCHING_NAMESPACE)
        await peer.connect({"token": account.token})
        await peer.emit(
            "join-queue", {"userId": str(account.id), "difficulty": "easy", "topics": ["Arrays"]}
        )
        sockets.append(peer)
    matched = await sockets[0].wait_for("matched")
    return matched["roomId"], alice, bob


async def join(stack: LiveStack, peers: Peers, account: Account, room: str) -> Editor:
    peer = peers(stack.base_url, COLLAB_NAMESPACE)
    await peer.connect({"token": account.token, "sessionId": room})
    await peer.wait_for("collab:chat:history")
    editor = Editor(peer)
    editor.catch_up()
    return editor


async def settled(editor: Editor, expected: str, within: float = 10.0) -> None:
    async def text() -> str:
        editor.catch_up()
        return str(editor.text)

    await eventually(text, lambda seen: seen == expected, f"the text {expected!r}", within, 0.02)


async def queued(
    stack: LiveStack, peers: Peers, account: Account, difficulty: str, topics: list[str]
) -> SocketPeer:
    """A connected client that has joined the queue and been told so."""
    peer = peers(stack.base_url, MATCHING_NAMESPACE)
    await peer.connect({"token": account.token})
    await peer.emit(
        "join-queue", {"userId": str(account.id), "difficulty": difficulty, "topics": topics}
    )
    await peer.wait_for("joined-queue")
    return peer
