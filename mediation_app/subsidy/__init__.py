"""以案定补: the mediator subsidy statement, per mediator and month."""
