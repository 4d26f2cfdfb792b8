"""The in-app notification inbox."""
