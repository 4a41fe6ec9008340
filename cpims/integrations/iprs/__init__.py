"""IPRS adapter: checks identifier numbers against Kenya's Integrated Population Registration System."""
