// Breadth first: each level's values, top down.
class Solution {
public:
    vector<vector<int>> groupByFloor(TreeNode* root) {
        vector<vector<int>> floors;
        queue<TreeNode*> waiting;
        if (root != nullptr) waiting.push(root);
        while (!waiting.empty()) {
            vector<int>& floor = floors.emplace_back();
            for (size_t width = waiting.size(); width > 0; width--) {
                TreeNode* node = waiting.front();
                waiting.pop();
                floor.push_back(node->val);
                if (node->left != nullptr) waiting.push(node->left);
                if (node->right != nullptr) waiting.push(node->right);
            }
        }
        return floors;
    }
};
