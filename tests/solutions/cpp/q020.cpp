class Solution {
public:
    string pageAfterCommands(vector<string>& commands) {
        vector<string> history = {"home"};
        for (const string& command : commands) {
            if (command == "back") {
                if (history.size() > 1) history.pop_back();
            } else {
                history.push_back(command.substr(string("visit ").size()));
            }
        }
        return history.back();
    }
};
