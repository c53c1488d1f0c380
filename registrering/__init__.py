"""Registrering: monthly registrations, indicators, questionnaires."""
