"""Live chat keeps its records here (lobby messages, queue, conversations)."""
