"""bench/compare.py's parts: see compare.py for what a comparison is."""
