class Solution {
    public ListNode spliceRoutes(ListNode route1, ListNode route2) {
        ListNode dummy = new ListNode();
        ListNode tail = dummy;
        ListNode a = route1, b = route2;
        while (a != null && b != null) {
            if (a.val <= b.val) {
                tail.next = a;
                a = a.next;
            } else {
                tail.next = b;
                b = b.next;
            }
            tail = tail.next;
        }
        tail.next = a != null ? a : b;
        return dummy.next;
    }
}
