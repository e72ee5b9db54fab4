function groupAnagramShelves(words) {
  // A Map keeps insertion order: groups come in order of their first word.
  const groups = new Map();
  for (const word of words) {
    const key = [...word].sort().join("");
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(word);
  }
  return [...groups.values()];
}
