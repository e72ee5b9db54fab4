from typing import Optional


def uncouple_kth_from_end(head: Optional["ListNode"], k: int) -> Optional["ListNode"]:
    dummy = ListNode(0, head)
    lead = dummy
    for _ in range(k):
        lead = lead.next
    trail = dummy
    while lead.next is not None:
        lead = lead.next
        trail = trail.next
    trail.next = trail.next.next
    return dummy.next
