"""Forms of the case pages, one module per part of the work."""
