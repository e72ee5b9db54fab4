import java.util.ArrayList;
import java.util.List;

class Solution {
    public int countGenerations(TreeNode root) {
        if (root == null) {
            return 0;
        }
        int depth = 0;
        List<TreeNode> level = List.of(root);
        while (!level.isEmpty()) {
            depth++;
            List<TreeNode> next = new ArrayList<>();
            for (TreeNode node : level) {
                if (node.left != null) {
                    next.add(node.left);
                }
                if (node.right != null) {
                    next.add(node.right);
                }
            }
            level = next;
        }
        return depth;
    }
}
