from typing import Optional


def splice_routes(
    route1: Optional["ListNode"], route2: Optional["ListNode"]
) -> Optional["ListNode"]:
    dummy = ListNode()
    tail = dummy
    a, b = route1, route2
    while a is not None and b is not None:
        if a.val <= b.val:
            tail.next = a
            a = a.next
        else:
            tail.next = b
            b = b.next
        tail = tail.next
    tail.next = a if a is not None else b
    return dummy.next
