"""attachsim.core."""
