"""exchange pages."""
