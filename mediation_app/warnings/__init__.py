"""Early warning (预警): group disputes, large amounts, repeat disputes, risk words."""
