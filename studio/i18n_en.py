"""English phrases for the UI; keys are the Chinese originals."""
ENGLISH: dict[str, str] = {}
