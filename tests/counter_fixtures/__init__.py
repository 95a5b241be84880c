"""Generated access logs and the visitor counter's figures worked out from CONTRACT §4 alone."""
