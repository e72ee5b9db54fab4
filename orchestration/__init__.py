"""The only door to Temporal for the processes that are not workers: the web tier and operators."""
