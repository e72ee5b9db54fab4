class Solution {
public:
    bool areTagsBalanced(string tags) {
        static const map<char, char> opener = {{')', '('}, {']', '['}, {'}', '{'}, {'>', '<'}};
        string open;
        for (char c : tags) {
            auto closing = opener.find(c);
            if (closing == opener.end()) {
                open.push_back(c);
            } else if (open.empty() || open.back() != closing->second) {
                return false;
            } else {
                open.pop_back();
            }
        }
        return open.empty();
    }
};
