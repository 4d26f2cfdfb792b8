"""Referrals between institutions (移交/委派/委托/转办): propose, accept or return, withdraw."""
