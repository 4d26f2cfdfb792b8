"""The signed-in user's start page."""
