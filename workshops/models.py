"""Workshops and the DemoDay (a later issue)."""
