"""Making files: themes, rendering, the output folder (write.py alone changes it) and the build cache."""
