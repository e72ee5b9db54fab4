import java.util.ArrayList;
import java.util.List;

class Solution {
    public String pageAfterCommands(String[] commands) {
        List<String> history = new ArrayList<>(List.of("home"));
        for (String command : commands) {
            if (command.equals("back")) {
                if (history.size() > 1) {
                    history.remove(history.size() - 1);
                }
            } else {
                history.add(command.substring("visit ".length()));
            }
        }
        return history.get(history.size() - 1);
    }
}
