from typing import Optional


def reverse_train(head: Optional["ListNode"]) -> Optional["ListNode"]:
    prev = None
    while head is not None:
        nxt = head.next
        head.next = prev
        prev = head
        head = nxt
    return prev
