"""A cell scheduler shaped like Nova's, used to demonstrate ForkGuard."""
