"""What a room's item order (``documents/item_order.py``) costs per keystroke and on a room's load.

Run by hand (never in the test suite):

    .venv/bin/python bench/item_order.py
    .venv/bin/python bench/item_order.py --keystrokes 50000 --at-end 0.9

Two authors type one character per update: a share ``--at-end`` of the keystrokes at the end of
the text, the rest at random places, each catching up with the server every 50 keystrokes, so
that some edits are concurrent. Every update goes through the update guard and
``ItemOrder.admit`` as ``documents/room_documents.py`` sends it; the time of ``admit`` alone is
printed.
Then the final state is loaded as a room's load does it (decoding the stored state, then
learning its order). The 10-million-additions loop is printed as the machine's calibration.
"""

from __future__ import annotations

import argparse
import random
import time

from pycrdt import Doc, Text, get_update

from documents.item_order import ItemOrder
from documents.update_guard import UpdateLimits, decode_state_vector, inspect_update, learn_stored


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--keystrokes", type=int, default=20_000)
    parser.add_argument("--at-end", type=float, default=0.7)
    parser.add_argument("--seed", type=int, default=3)
    args = parser.parse_args()

    rng = random.Random(args.seed)
    server: Doc[Text] = Doc()
    order = ItemOrder()
    authors: list[Doc[Text]] = [Doc(client_id=rng.randrange(1, 2**32)) for _ in range(2)]
    limit = UpdateLimits().max_concurrent
    took: list[float] = []
    for keystroke in range(args.keystrokes):
        author = rng.choice(authors)
        text = author.get("content", type=Text)
        if keystroke % 50 == 0:
            author.apply_update(server.get_update(author.get_state()))
        before = author.get_state()
        at_end = rng.random() < args.at_end
        text.insert(len(text) if at_end else rng.randint(0, len(text)), "x")
        update = get_update(author.get_update(before), server.get_state())
        structs = inspect_update(update, decode_state_vector(server.get_state())).structs
        started = time.perf_counter()
        order.admit(structs, limit)
        took.append(time.perf_counter() - started)
        server.apply_update(update)
    took.sort()
    p50, p99 = took[len(took) // 2], took[int(len(took) * 0.99)]
    print(f"admit per keystroke: p50 {p50 * 1e6:.1f} µs, p99 {p99 * 1e6:.1f} µs")

    state = server.get_update()
    started = time.perf_counter()
    stored = learn_stored(state, {})
    decoded = time.perf_counter() - started
    started = time.perf_counter()
    ItemOrder().learn(stored)
    learnt = time.perf_counter() - started
    print(
        f"room load: {len(stored)} structs, decode {decoded * 1e3:.0f} ms, "
        f"order {learnt * 1e3:.0f} ms"
    )

    started = time.perf_counter()
    total = 0
    for number in range(10_000_000):
        total += number
    print(f"calibration: 10M additions in {time.perf_counter() - started:.2f} s")


if __name__ == "__main__":
    main()
