"""intake pages."""
