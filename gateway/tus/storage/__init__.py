"""Where a tus upload's bytes wait until it completes: beside the recordings, in the blob store."""
