import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

class Solution {
    public String[][] groupAnagramShelves(String[] words) {
        // Insertion order: groups come in order of their first word.
        Map<String, List<String>> groups = new LinkedHashMap<>();
        for (String word : words) {
            char[] letters = word.toCharArray();
            Arrays.sort(letters);
            groups.computeIfAbsent(new String(letters), key -> new ArrayList<>()).add(word);
        }
        String[][] shelves = new String[groups.size()][];
        int index = 0;
        for (List<String> group : groups.values()) {
            shelves[index++] = group.toArray(new String[0]);
        }
        return shelves;
    }
}
