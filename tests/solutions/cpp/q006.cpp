// Depth first, by recursion: the trees are shallow enough.
class Solution {
public:
    int countGenerations(TreeNode* root) {
        if (root == nullptr) return 0;
        return 1 + max(countGenerations(root->left), countGenerations(root->right));
    }
};
