"""Familieplan: the family plan, stafetlog, family portal."""
