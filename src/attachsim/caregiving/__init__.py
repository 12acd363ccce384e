"""attachsim.caregiving."""
