"""Outgoing mail: stored with the data it belongs to, then delivered by a sender."""
