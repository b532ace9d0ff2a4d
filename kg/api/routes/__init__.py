"""One router per API tag."""
