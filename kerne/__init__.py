"""Shared kernel: municipalities, projects, staff and roles, families, persons, access, audit."""
