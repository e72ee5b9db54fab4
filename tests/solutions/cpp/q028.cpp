// Words with the same sorted letters share a shelf; shelves come in order of their first word.
class Solution {
public:
    vector<vector<string>> groupAnagramShelves(vector<string>& words) {
        unordered_map<string, size_t> shelf_of;
        vector<vector<string>> shelves;
        for (const string& word : words) {
            string key = word;
            sort(key.begin(), key.end());
            auto [found, added] = shelf_of.emplace(key, shelves.size());
            if (added) shelves.emplace_back();
            shelves[found->second].push_back(word);
        }
        return shelves;
    }
};
