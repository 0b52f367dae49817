"""Training data (synthetic corpus) and fine-tuning of the token-classification model."""
