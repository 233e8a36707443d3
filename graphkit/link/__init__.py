"""The link stage: which firms are linked and by what evidence (find-links, trade flags, exposure,
red flags, watch lists), read from a loaded and resolved store."""
