"""attachsim.development."""
