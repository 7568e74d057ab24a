"""analysis pages."""
