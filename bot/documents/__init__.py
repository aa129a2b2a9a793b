"""A city's own policy documents, put in by its staff: reading an uploaded file into clean text (reading)."""
