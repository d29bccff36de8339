"""Posters and share cards: templates of layers, Chinese typesetting, a QR to a tracked link, small files."""
