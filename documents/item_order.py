"""The order of a room's text items, as yrs keeps it, and what each item's author must have known.

Yjs places an inserted item by its two neighbours at the moment it was typed: its origin (the
item on its left) and its right origin. YATA, the algorithm behind it, converges only if those two
really were neighbours in some state its author had. yrs does not check that. An update whose
origin lies far from its right origin (or after it, or with no right origin at all) is accepted,
and integrates in a different place in a long-lived document (arrival order) than in a fresh one
built from that document's own encoding, which is what a joining member and every reload see:
characters swap places between the members who were there and everyone else.

So the server keeps this mirror of each room's item sequence. Every item carries its knowledge:
the smallest causally closed state (a state vector) holding it and everything it depends on (its
origin, its right origin, its author's earlier items). A new item is admitted only if no item of
its own knowledge lies between its origin and its right origin. Items there that it could not
have known are concurrent edits, which YATA orders; an item it must have known means the two
were never neighbours, and the update is refused. Such an item is indistinguishable from one an
honest author with exactly that knowledge would have typed, so the live document and any fresh
one agree.

The mirror also bounds what yrs does for one update: yrs walks every item between an origin and
its right origin (in quadratic time when many concurrent items share an origin), and here that
walk is counted, in clock units (never fewer than yrs's own blocks), before yrs sees the update.

The placement follows YATA's integration exactly as Yjs and yrs do it; for items admitted by the
rule above their result is the same whatever the order of arrival, which is what lets a Python
mirror agree with yrs without seeing its blocks.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

ID = tuple[int, int]


class RefusedOrder(ValueError):
    """The update's items cannot be placed as their author could have placed them."""


@dataclass(frozen=True, slots=True)
class Struct:
    """One struct of a Yjs update: ``length`` clocks of ``client`` from ``clock``."""

    client: int
    clock: int
    length: int
    origin: ID | None = None
    right: ID | None = None
    # False for a GC run: it holds clocks but no place in the text.
    listed: bool = True


class _Node:
    """A run of items of one client, consecutive in clock and in the text; its items after the
    first have the previous one as origin and share the first one's right origin."""

    __slots__ = ("client", "clock", "known", "left", "length", "listed", "origin", "right", "succ")

    def __init__(
        self,
        client: int,
        clock: int,
        length: int,
        origin: ID | None,
        right: ID | None,
        known: dict[int, int],
        listed: bool,
    ) -> None:
        self.client = client
        self.clock = clock
        self.length = length
        self.origin = origin
        self.right = right
        # The first item's knowledge, less its own client (for which it is always clock + 1).
        # Shared between nodes and never changed once set: a change makes a new dict.
        self.known = known
        self.listed = listed
        self.left: _Node | None = None
        self.succ: _Node | None = None


_NOTHING: dict[int, int] = {}


class ItemOrder:
    """The item sequence of one Y.Text, with each item's knowledge (see the module docstring)."""

    def __init__(self) -> None:
        self._head: _Node | None = None
        # client -> (start clocks, nodes), both in clock order
        self._clients: dict[int, tuple[list[int], list[_Node]]] = {}
        # While admitting a client's update: the clock units of concurrent items it may still
        # be placed among. None while learning trusted structs, which are not checked.
        self._passable: int | None = None

    def next_clock(self, client: int) -> int:
        entry = self._clients.get(client)
        if entry is None:
            return 0
        last = entry[1][-1]
        return last.clock + last.length

    def learn(self, structs: Iterable[Struct]) -> None:
        """Place trusted structs (stored ones, or the server's own edits) without checking them;
        parts already here are skipped, and structs are taken in causal order, whatever their
        order in ``structs``. One whose dependencies never arrive stays out, as it does in yrs."""
        queues: dict[int, list[Struct]] = {}
        for struct in structs:
            queues.setdefault(struct.client, []).append(struct)
        for queue in queues.values():
            queue.sort(key=lambda struct: struct.clock, reverse=True)
        progress = True
        while progress and queues:
            progress = False
            for client in list(queues):
                queue = queues[client]
                while queue:
                    part = self._unknown_part(queue[-1])
                    if part is None:
                        queue.pop()
                        continue
                    if not self._ready(part):
                        break
                    self._place(part)
                    queue.pop()
                    progress = True
                if not queue:
                    del queues[client]

    def admit(self, structs: Sequence[Struct], max_passed: int) -> None:
        """Place a client's new structs, in their order, or raise :class:`RefusedOrder` and
        change nothing. ``max_passed`` bounds the clock units of concurrent items the update's
        items are placed among (what yrs will walk)."""
        marks = {struct.client: self.next_clock(struct.client) for struct in structs}
        self._passable = max_passed
        try:
            for struct in structs:
                if not self._ready(struct):
                    raise RefusedOrder("the update builds on edits the text does not hold")
                self._place(struct)
        except RefusedOrder:
            for client, mark in marks.items():
                self._truncate(client, mark)
            raise
        finally:
            self._passable = None

    def ids(self) -> list[ID]:
        """Every listed item's id, in text order (deleted ones included)."""
        out: list[ID] = []
        node = self._head
        while node is not None:
            out.extend(
                (node.client, clock) for clock in range(node.clock, node.clock + node.length)
            )
            node = node.succ
        return out

    # Internals ------------------------------------------------------------------------------

    def _unknown_part(self, struct: Struct) -> Struct | None:
        have = self.next_clock(struct.client)
        end = struct.clock + struct.length
        if end <= have:
            return None
        if struct.clock >= have:
            return struct
        # The part from ``have`` on: its first item's origin is the one before it.
        return Struct(
            struct.client,
            have,
            end - have,
            (struct.client, have - 1) if struct.listed else None,
            struct.right,
            struct.listed,
        )

    def _find(self, client: int, clock: int) -> _Node | None:
        entry = self._clients.get(client)
        if entry is None:
            return None
        starts, nodes = entry
        index = bisect.bisect_right(starts, clock) - 1
        if index < 0:
            return None
        node = nodes[index]
        return node if clock < node.clock + node.length else None

    def _ready(self, struct: Struct) -> bool:
        if struct.clock != self.next_clock(struct.client):
            return False
        for ref in (struct.origin, struct.right):
            if ref is not None:
                node = self._find(*ref)
                if node is None or not node.listed:
                    return False
        return True

    def _split(self, node: _Node, clock: int) -> _Node:
        """Cut ``node`` before ``clock``; return the part from ``clock`` on."""
        tail = _Node(
            node.client,
            clock,
            node.clock + node.length - clock,
            (node.client, clock - 1),
            node.right,
            node.known,
            node.listed,
        )
        node.length = clock - node.clock
        tail.left, tail.succ = node, node.succ
        if node.succ is not None:
            node.succ.left = tail
        node.succ = tail
        starts, nodes = self._clients[node.client]
        index = bisect.bisect_right(starts, node.clock)
        starts.insert(index, clock)
        nodes.insert(index, tail)
        return tail

    def _cut(self, client: int, clock: int) -> None:
        """Make ``clock`` start a node, if its client's run holds it past its first item."""
        node = self._find(client, clock)
        if node is not None and node.clock < clock:
            self._split(node, clock)

    def _knowledge(self, refs: Iterable[ID]) -> dict[int, int]:
        """The union of the knowledge of the items at ``refs``, as a state vector."""
        merged: dict[int, int] = {}
        for client, clock in refs:
            node = self._find(client, clock)
            if node is None:
                continue
            for other, end in node.known.items():
                if merged.get(other, 0) < end:
                    merged[other] = end
            if merged.get(client, 0) < clock + 1:
                merged[client] = clock + 1
        return merged

    def _own_knowledge(self, struct: Struct) -> dict[int, int]:
        """The new struct's knowledge less its own client, sharing its predecessor's dict when
        the struct adds nothing to it (as typing usually does)."""
        before = self._find(struct.client, struct.clock - 1) if struct.clock else None
        base = before.known if before is not None else _NOTHING
        refs = [ref for ref in (struct.origin, struct.right) if ref is not None]
        extra = self._knowledge(refs)
        extra.pop(struct.client, None)
        if all(base.get(client, 0) >= end for client, end in extra.items()):
            return base
        merged = dict(base)
        for client, end in extra.items():
            if merged.get(client, 0) < end:
                merged[client] = end
        return merged

    def _place(self, struct: Struct) -> None:
        known = self._own_knowledge(struct)
        if not struct.listed:
            self._add(_Node(struct.client, struct.clock, struct.length, None, None, known, False))
            return
        # Cut the runs after the origin and before the right origin first, then look both up:
        # the two may lie in one run.
        if struct.origin is not None:
            self._cut(struct.origin[0], struct.origin[1] + 1)
        if struct.right is not None:
            self._cut(*struct.right)
        left = self._find(*struct.origin) if struct.origin is not None else None
        right = self._find(*struct.right) if struct.right is not None else None
        first = left.succ if left is not None else self._head
        if first is not right:
            between = self._between(first, right, struct, known)
            left = self._yata_left(left, between, struct)
        self._insert_after(left, struct, known)

    def _between(
        self, first: _Node | None, right: _Node | None, struct: Struct, known: dict[int, int]
    ) -> list[_Node]:
        """The items between the new struct's origin and right origin. When admitting, refuse
        the struct if its author must have known one of them (``known``, its knowledge less its
        own client, whose earlier items it knew), or if they are too many."""
        checking = self._passable is not None
        between: list[_Node] = []
        node = first
        while node is not right:
            if node is None:
                if not checking:
                    break  # a stored item: placed as yrs placed it, scanning to the end
                raise RefusedOrder("the update's edits have origins that were never neighbours")
            if checking:
                assert self._passable is not None
                self._passable -= node.length
                if self._passable < 0:
                    raise RefusedOrder("the update inserts among too many concurrent edits")
                seen = struct.clock if node.client == struct.client else known.get(node.client, 0)
                if node.clock < seen:
                    raise RefusedOrder("the update's edits have origins that were never neighbours")
            between.append(node)
            node = node.succ
        return between

    def _yata_left(self, left: _Node | None, between: list[_Node], struct: Struct) -> _Node | None:
        """The item after which YATA puts ``struct`` among the concurrent items ``between`` its
        origin's item ``left`` and its right origin (Yjs ``Item.integrate``, yrs
        ``Item::integrate``)."""
        before_origin: set[int] = set()
        conflicting: set[int] = set()
        for node in between:
            before_origin.add(id(node))
            conflicting.add(id(node))
            if node.origin == struct.origin:
                if node.client < struct.client:
                    left = node
                    conflicting.clear()
                elif node.right == struct.right:
                    break
            else:
                origin_node = self._find(*node.origin) if node.origin is not None else None
                if origin_node is not None and id(origin_node) in before_origin:
                    if id(origin_node) not in conflicting:
                        left = node
                        conflicting.clear()
                else:
                    break
        return left

    def _insert_after(self, left: _Node | None, struct: Struct, known: dict[int, int]) -> None:
        if (
            left is not None
            and left.client == struct.client
            and left.clock + left.length == struct.clock
            and struct.origin == (struct.client, struct.clock - 1)
            and left.right == struct.right
            and left.known is known
        ):
            left.length += struct.length
            return
        node = _Node(
            struct.client, struct.clock, struct.length, struct.origin, struct.right, known, True
        )
        node.left = left
        node.succ = left.succ if left is not None else self._head
        if node.succ is not None:
            node.succ.left = node
        if left is not None:
            left.succ = node
        else:
            self._head = node
        self._add(node)

    def _add(self, node: _Node) -> None:
        starts, nodes = self._clients.setdefault(node.client, ([], []))
        starts.append(node.clock)
        nodes.append(node)

    def _truncate(self, client: int, mark: int) -> None:
        """Forget every item of ``client`` from clock ``mark`` on (a refused update's)."""
        entry = self._clients.get(client)
        if entry is None:
            return
        starts, nodes = entry
        while nodes and nodes[-1].clock >= mark:
            starts.pop()
            self._unlink(nodes.pop())
        if not nodes:
            del self._clients[client]
        elif nodes[-1].clock + nodes[-1].length > mark:
            nodes[-1].length = mark - nodes[-1].clock

    def _unlink(self, node: _Node) -> None:
        if not node.listed:
            return
        if node.left is not None:
            node.left.succ = node.succ
        elif self._head is node:
            self._head = node.succ
        if node.succ is not None:
            node.succ.left = node.left
