"""guarantees.cli: the command line and every renderer."""
