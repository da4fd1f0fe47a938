"""Residents: names with their kana reading, phone numbers, consent and proxy contacts."""
