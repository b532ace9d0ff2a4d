"""Offline extraction of actors and events from raw news text."""
