"""attachsim.assessments."""
