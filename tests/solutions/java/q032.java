import java.util.ArrayList;
import java.util.List;

class Solution {
    public int[][] groupByFloor(TreeNode root) {
        List<int[]> levels = new ArrayList<>();
        List<TreeNode> level = new ArrayList<>();
        if (root != null) {
            level.add(root);
        }
        while (!level.isEmpty()) {
            int[] values = new int[level.size()];
            List<TreeNode> next = new ArrayList<>();
            for (int i = 0; i < level.size(); i++) {
                TreeNode node = level.get(i);
                values[i] = node.val;
                if (node.left != null) {
                    next.add(node.left);
                }
                if (node.right != null) {
                    next.add(node.right);
                }
            }
            levels.add(values);
            level = next;
        }
        return levels.toArray(new int[0][]);
    }
}
