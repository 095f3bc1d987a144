"""Local servers that speak the protocol of a service out of reach from here."""
