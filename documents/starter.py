"""The starter code a room's document holds before anyone types, as Yjs updates the server makes.

A room is seeded with the same bytes in every process: one insert by a client id that only the
room's seed uses, at clock 0. However many processes seed it, on however many restarts, the
document holds it once (the CRDT knows every item by client and clock), and a member who deleted
it never sees it come back.
"""

from __future__ import annotations

import hashlib

from pycrdt import Doc, Text

# Who the seed and the language's swaps are recorded as: not a member, so no one's edit.
SERVER_USER = "peerprep"
CONTENT = "content"


def seed_client(room_id: str) -> int:
    digest = hashlib.sha256(f"starter:{room_id}".encode()).digest()
    # Yjs client ids are 32-bit unsigned in practice; 0 is avoided.
    return int.from_bytes(digest[:4], "big") | 1


def seed_update(room_id: str, text: str) -> bytes:
    doc: Doc[Text] = Doc(client_id=seed_client(room_id))
    content = doc.get(CONTENT, type=Text)
    content += text
    return doc.get_update()


def replacement(state: bytes, text: str) -> bytes:
    """An update that turns the document ``state`` into ``text``, by a fresh client."""
    doc: Doc[Text] = Doc()
    doc.apply_update(state)
    before = doc.get_state()
    content = doc.get(CONTENT, type=Text)
    del content[0 : len(content)]
    content += text
    return doc.get_update(before)
