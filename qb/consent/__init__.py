"""Consent to the processing of personal data: its texts, its records as proof, withdrawal.

A shared service (like the outbox): features that collect personal data with a consent
(contact, later the newsletter and "my data") call it; it owns no URL.
"""
