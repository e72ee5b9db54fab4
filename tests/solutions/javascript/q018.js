function spliceRoutes(route1, route2) {
  const dummy = new ListNode();
  let tail = dummy;
  let a = route1, b = route2;
  while (a !== null && b !== null) {
    if (a.val <= b.val) {
      tail.next = a;
      a = a.next;
    } else {
      tail.next = b;
      b = b.next;
    }
    tail = tail.next;
  }
  tail.next = a !== null ? a : b;
  return dummy.next;
}
