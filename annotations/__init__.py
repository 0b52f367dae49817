"""The Label Studio correction loop."""
