"""Demo data for `desk init --demo`, anchored to today."""
