"""Visitation: referrals, board meetings, decisions, assignment, discharge."""
