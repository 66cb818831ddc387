"""PolicyQA."""
