import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

class Solution {
    // Iterative post-order: gain[node] = best downward trail starting at node.
    public int mostScenicTrail(TreeNode root) {
        List<TreeNode> order = new ArrayList<>();
        Deque<TreeNode> stack = new ArrayDeque<>();
        stack.push(root);
        while (!stack.isEmpty()) {
            TreeNode node = stack.pop();
            order.add(node);
            if (node.left != null) {
                stack.push(node.left);
            }
            if (node.right != null) {
                stack.push(node.right);
            }
        }
        Map<TreeNode, Integer> gain = new IdentityHashMap<>();
        int best = root.val;
        for (int k = order.size() - 1; k >= 0; k--) {
            TreeNode node = order.get(k);
            int left = node.left != null ? Math.max(gain.get(node.left), 0) : 0;
            int right = node.right != null ? Math.max(gain.get(node.right), 0) : 0;
            best = Math.max(best, node.val + left + right);
            gain.put(node, node.val + Math.max(left, right));
        }
        return best;
    }
}
