"""Where recordings are kept: the :class:`~sinks.blobs.store.BlobStore` contract, a local folder
and Azure Blob behind it, the factory that opens the one a process's settings name, and how the
worker reads a recording."""
