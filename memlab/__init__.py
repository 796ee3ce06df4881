"""memlab."""
