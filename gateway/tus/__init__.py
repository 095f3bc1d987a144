"""Resumable uploads: the tus 1.0.0 protocol served at ``/uploads/``."""
