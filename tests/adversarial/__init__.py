"""Hostile and careless inputs, one test each, kept so a fixed hole stays fixed (issue 18).

A package, so its test modules may share names with tests/ without clashing.
"""
