"""The mediator roster (调解员名册 / 特邀调解员名册): specialties, qualifications, region, load;
assignment suggestions, the party's choice of mediator, and recusal (回避)."""
