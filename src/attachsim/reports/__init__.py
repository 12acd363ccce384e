"""Reports and tables: pure functions of results (they never run the simulation themselves)."""
