function combineManifests(manifests) {
  // Build each manifest as a linked list, then merge the k lists with a heap of heads.
  const heap = [];
  const before = (a, b) => a.val < b.val || (a.val === b.val && a.list < b.list);
  const swap = (i, j) => ([heap[i], heap[j]] = [heap[j], heap[i]]);
  const down = (i) => {
    for (;;) {
      let best = i;
      for (const child of [2 * i + 1, 2 * i + 2]) {
        if (child < heap.length && before(heap[child], heap[best])) best = child;
      }
      if (best === i) return;
      swap(i, best);
      i = best;
    }
  };
  manifests.forEach((values, list) => {
    let head = null;
    for (let i = values.length - 1; i >= 0; i--) head = new ListNode(values[i], head);
    if (head !== null) heap.push({ val: head.val, list, node: head });
  });
  for (let i = (heap.length >> 1) - 1; i >= 0; i--) down(i);
  const dummy = new ListNode();
  let tail = dummy;
  while (heap.length > 0) {
    const top = heap[0];
    tail.next = top.node;
    tail = top.node;
    if (top.node.next !== null) {
      heap[0] = { val: top.node.next.val, list: top.list, node: top.node.next };
    } else {
      const last = heap.pop();
      if (heap.length === 0) break;
      heap[0] = last;
    }
    down(0);
  }
  tail.next = null;
  return dummy.next;
}
