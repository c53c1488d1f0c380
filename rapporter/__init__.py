"""Rapporter: start pages, dashboards, status reports, evaluator export."""
