"""The item order mirrors yrs: honest concurrent editing (peers that exchange updates late and in
any order) is always admitted and ordered exactly as yrs orders it, and any forged item it admits
lands in the same place in a long-lived document as in a fresh one."""

from __future__ import annotations

import os
import random

import pytest
from pycrdt import Assoc, Doc, Text, get_update

from documents.item_order import ItemOrder, RefusedOrder
from documents.update_guard import RejectedUpdate, decode_state_vector, inspect_update, learn_stored
from tests.adversarial.forge import Item, Update

CASES = int(os.environ.get("PEERPREP_FUZZ_CASES", "300"))
SEED = int(os.environ.get("PEERPREP_FUZZ_SEED", str(random.SystemRandom().randrange(2**32))))
PASSED = 1 << 16


def _visible_ids(text: Text) -> list[tuple[int, int]]:
    """yrs's order of the text's visible items, read through sticky indices."""
    ids = []
    for index in range(len(text)):
        item = text.sticky_index(index, Assoc.AFTER).to_json()["item"]
        ids.append((item["client"], item["clock"]))
    return ids


def _mirror_visible(order: ItemOrder, doc: Doc[Text]) -> list[tuple[int, int]]:
    # pycrdt's text indices are UTF-8 bytes; the mirror's ids are per UTF-16 unit. The tests
    # type ASCII only, so the two agree.
    visible = set(_visible_ids(doc.get("content", type=Text)))
    return [item for item in order.ids() if item in visible]


def _admit(order: ItemOrder, doc: Doc[Text], update: bytes) -> None:
    """What the server does with a client update: guard, cut the known part, order, apply."""
    shape = inspect_update(update, decode_state_vector(doc.get_state()))
    if shape.overlaps:
        update = get_update(update, doc.get_state())
        shape = inspect_update(update, decode_state_vector(doc.get_state()))
    order.admit(shape.structs, PASSED)
    doc.apply_update(update)


def _edit(rng: random.Random, text: Text) -> None:
    length = len(text)
    if length and rng.random() < 0.3:
        start = rng.randrange(length)
        del text[start : min(length, start + rng.randint(1, 4))]
    else:
        where = rng.choice([0, length, rng.randint(0, length)])
        text.insert(where, rng.choice("abcdefgh") * rng.randint(1, 3))


def _synced_edit(rng: random.Random, order: ItemOrder, server: Doc[Text], peer: Doc[Text]) -> None:
    """``peer`` catches up with the server, edits, and the server admits the edit."""
    peer.apply_update(server.get_update(peer.get_state()))
    before = peer.get_state()
    _edit(rng, peer.get("content", type=Text))
    _admit(order, server, peer.get_update(before))


@pytest.mark.parametrize("peers", [2, 3])
def test_honest_concurrent_edits_are_admitted_and_ordered_as_yrs_orders_them(peers: int) -> None:
    rng = random.Random(SEED + peers)
    server: Doc[Text] = Doc()
    server_text = server.get("content", type=Text)
    order = ItemOrder()
    docs: list[Doc[Text]] = [Doc(client_id=rng.randrange(1, 2**32)) for _ in range(peers)]
    texts = [doc.get("content", type=Text) for doc in docs]
    # Each peer's updates the server has not received yet, and the server's not yet delivered.
    outbox: list[list[bytes]] = [[] for _ in range(peers)]
    inbox: list[list[bytes]] = [[] for _ in range(peers)]
    for case in range(CASES):
        who = rng.randrange(peers)
        step = rng.random()
        if step < 0.5:
            before = docs[who].get_state()
            _edit(rng, texts[who])
            outbox[who].append(docs[who].get_update(before))
        elif step < 0.8 and outbox[who]:
            update = outbox[who].pop(0)
            _admit(order, server, update)
            for other in range(peers):
                if other != who:
                    inbox[other].append(update)
        elif inbox[who]:
            docs[who].apply_update(inbox[who].pop(0))
        assert _mirror_visible(order, server) == _visible_ids(server_text), (SEED, case)
    fresh: Doc[Text] = Doc()
    fresh.apply_update(server.get_update())
    assert str(fresh.get("content", type=Text)) == str(server_text), SEED


def test_the_order_a_stored_state_makes_is_the_live_documents() -> None:
    rng = random.Random(SEED)
    server: Doc[Text] = Doc()
    order = ItemOrder()
    docs: list[Doc[Text]] = [Doc(client_id=rng.randrange(1, 2**32)) for _ in range(2)]
    for _ in range(CASES):
        _synced_edit(rng, order, server, rng.choice(docs))
    loaded = ItemOrder()
    loaded.learn(learn_stored(server.get_update(), {}))
    assert loaded.ids() == order.ids()


def _forged(rng: random.Random, ids: list[tuple[int, int]]) -> bytes:
    client = rng.randrange(1, 2**32)
    items = []
    for _ in range(rng.randint(1, 3)):
        where: dict[str, tuple[int, int]] = {}
        if ids and rng.random() < 0.8:
            where["origin"] = rng.choice(ids)
        if ids and rng.random() < 0.6:
            where["right"] = rng.choice(ids)
        items.append(Item(rng.choice("XYZ"), **where))  # type: ignore[arg-type]
    return Update([(client, 0, items)]).encode()


def test_forged_origins_are_refused_or_land_where_a_fresh_document_puts_them() -> None:
    rng = random.Random(SEED)
    server: Doc[Text] = Doc()
    server_text = server.get("content", type=Text)
    order = ItemOrder()
    honest: list[Doc[Text]] = [Doc(client_id=rng.randrange(1, 2**32)) for _ in range(2)]
    refused = admitted = 0
    for case in range(CASES):
        _synced_edit(rng, order, server, rng.choice(honest))
        forged = _forged(rng, order.ids())
        try:
            _admit(order, server, forged)
        except (RefusedOrder, RejectedUpdate):
            refused += 1
        else:
            admitted += 1
        fresh: Doc[Text] = Doc()
        fresh.apply_update(server.get_update())
        assert str(fresh.get("content", type=Text)) == str(server_text), (SEED, case, forged.hex())
        assert _mirror_visible(order, server) == _visible_ids(server_text), (SEED, case)
    assert refused, (SEED, refused, admitted)
    assert admitted, (SEED, refused, admitted)


def _server_with(text: str, client: int = 5) -> tuple[Doc[Text], ItemOrder]:
    server: Doc[Text] = Doc(client_id=7)
    author: Doc[Text] = Doc(client_id=client)
    author.get("content", type=Text).insert(0, text)
    order = ItemOrder()
    _admit(order, server, author.get_update())
    return server, order


@pytest.mark.parametrize(
    "items",
    [
        # the right origin before the origin (the fuzzer's case: the item landed elsewhere in a
        # fresh document than in the live one)
        [Item("X", origin=(5, 2), right=(5, 1))],
        # an origin and right origin with the author's own earlier item between them
        [Item("X", origin=(5, 0), right=(5, 1)), Item("Y", origin=(5, 0), right=(5, 1))],
        # no right origin, with the author's own earlier item after the origin
        [Item("X", origin=(5, 3)), Item("Y", origin=(5, 1))],
    ],
)
def test_items_whose_origins_were_never_neighbours_are_refused_and_change_nothing(
    items: list[Item],
) -> None:
    server, order = _server_with("abcd")
    before = order.ids()
    update = Update([(9, 0, items)]).encode()
    with pytest.raises(RefusedOrder, match="never neighbours"):
        order.admit(inspect_update(update, decode_state_vector(server.get_state())).structs, 99)
    assert order.ids() == before
    # Refused means unchanged: the same author's honest edit fits.
    honest: Doc[Text] = Doc(client_id=9)
    honest.apply_update(server.get_update())
    honest.get("content", type=Text).insert(1, "Q")
    _admit(order, server, honest.get_update(server.get_state()))
    assert str(server.get("content", type=Text)) == "aQbcd"
    assert _mirror_visible(order, server) == _visible_ids(server.get("content", type=Text))


def test_an_item_may_not_be_placed_among_more_concurrent_edits_than_the_limit() -> None:
    server, order = _server_with("ac")
    other: Doc[Text] = Doc(client_id=6)
    other.apply_update(server.get_update())
    other.get("content", type=Text).insert(1, "b" * 40)
    _admit(order, server, other.get_update(server.get_state()))
    # Written by someone who knew only "a" and "c": all forty b's are concurrent to it.
    update = Update([(9, 0, [Item("X", origin=(5, 0), right=(5, 1))])]).encode()
    structs = inspect_update(update, decode_state_vector(server.get_state())).structs
    with pytest.raises(RefusedOrder, match="too many concurrent"):
        order.admit(structs, 39)
    order.admit(structs, 40)
