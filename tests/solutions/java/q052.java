import java.util.PriorityQueue;

class Solution {
    // Build each manifest as a linked list, then merge the k lists with a heap.
    public ListNode combineManifests(int[][] manifests) {
        PriorityQueue<ListNode> heap = new PriorityQueue<>((a, b) -> Integer.compare(a.val, b.val));
        for (int[] values : manifests) {
            ListNode head = null;
            for (int i = values.length - 1; i >= 0; i--) {
                head = new ListNode(values[i], head);
            }
            if (head != null) {
                heap.add(head);
            }
        }
        ListNode dummy = new ListNode();
        ListNode tail = dummy;
        while (!heap.isEmpty()) {
            ListNode node = heap.poll();
            tail.next = node;
            tail = node;
            if (node.next != null) {
                heap.add(node.next);
            }
        }
        tail.next = null;
        return dummy.next;
    }
}
