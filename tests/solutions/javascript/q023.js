function mergeWindows(windows) {
  const ordered = [...windows].sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  const merged = [];
  for (const [start, end] of ordered) {
    const last = merged[merged.length - 1];
    if (last !== undefined && start <= last[1]) {
      if (end > last[1]) last[1] = end;
    } else {
      merged.push([start, end]);
    }
  }
  return merged;
}
