import heapq


def nearest_charging_stations(stations: list[list[int]], car: list[int], k: int) -> list[list[int]]:
    """The k smallest by (squared distance, x, y)."""
    cx, cy = car
    keyed = (((x - cx) * (x - cx) + (y - cy) * (y - cy), x, y) for x, y in stations)
    return [[x, y] for _, x, y in heapq.nsmallest(k, keyed)]
