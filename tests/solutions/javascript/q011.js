function hasDoubleBooking(meetings) {
  const ordered = [...meetings].sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  for (let k = 1; k < ordered.length; k++) {
    if (ordered[k][0] < ordered[k - 1][1]) return true;
  }
  return false;
}
