"""Where recordings are kept: the blob stores."""
