"""The composed pod model: container, phase and condition machines driven by lifecycle events."""
