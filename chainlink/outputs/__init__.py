"""Layer 5: rows and files for people — suggestion rows, browse rows, chain exports, Excel, Datasette."""
