"""Layer 0: codes, vocabularies, segment products, text input and file output that every other layer uses."""
