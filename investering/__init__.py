"""Investering: price catalogue, cost lines, business case."""
