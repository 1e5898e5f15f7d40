"""The personal-data policy at /politika: its text per language and its revision."""
