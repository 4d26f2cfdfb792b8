"""The parties' front door: apply online, follow the case, sign remotely, rate the mediation."""
