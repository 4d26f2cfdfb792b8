"""The case file: the dispute (`Case`), its parties, the handlings that worked it, the
workflow text each handling started with, and the referrals between institutions.

Every feature package annotates these records; none of them is imported from here, so
this package sits below all of them."""
