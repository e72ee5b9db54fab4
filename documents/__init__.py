"""Rooms' code documents: the live Yjs documents, their history and revert, the checks every
update passes, and the stores that keep them (LevelDB or SQL)."""
