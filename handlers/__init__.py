"""buurtbot."""
