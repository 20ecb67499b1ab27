"""Layer 3: the industrial-chain graph — adjacency and NetworkX views, the evidence behind each edge."""
