def flip_in_blocks(head: "ListNode | None", k: int) -> "ListNode | None":
    dummy = ListNode(0, head)
    group_prev = dummy
    while True:
        # find the k-th node of the next block
        kth = group_prev
        for _ in range(k):
            kth = kth.next
            if kth is None:
                return dummy.next
        group_next = kth.next
        # reverse the block [group_prev.next .. kth]
        prev, cur = group_next, group_prev.next
        while cur is not group_next:
            nxt = cur.next
            cur.next = prev
            prev = cur
            cur = nxt
        first = group_prev.next
        group_prev.next = kth
        group_prev = first
