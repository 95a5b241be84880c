"""Operational code behind the invoke tasks (may import Pelican; pure logic is in tintuc/)."""
