"""Placement of initiatives against the QPV outlines (the outlines are territories')."""
