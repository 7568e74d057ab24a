"""Case pages, one module per part of the work."""
