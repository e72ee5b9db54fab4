import heapq


def combine_manifests(manifests: list[list[int]]) -> "ListNode | None":
    # Build each manifest as a linked list, then merge the k lists with a heap.
    heads = []
    for values in manifests:
        head = None
        for v in reversed(values):
            head = ListNode(v, head)
        heads.append(head)
    heap = [(node.val, i, node) for i, node in enumerate(heads) if node is not None]
    heapq.heapify(heap)
    dummy = ListNode()
    tail = dummy
    while heap:
        _, i, node = heap[0]
        tail.next = node
        tail = node
        if node.next is not None:
            heapq.heapreplace(heap, (node.next.val, i, node.next))
        else:
            heapq.heappop(heap)
    tail.next = None
    return dummy.next
