"""Live updates: each user's interview state changes and notifications, pushed over ``/ws``."""
