"""Logs and metrics, the same in every PeerPrep process."""
