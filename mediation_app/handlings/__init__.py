"""Running cases through their channel workflows: stored definitions, transitions, diagrams."""
