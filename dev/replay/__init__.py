"""``ib replay``: an analyst's copy of a topic's records between two moments or offsets, decoded,
as JSON lines or Parquet, read without a consumer group so that no live group is touched."""
