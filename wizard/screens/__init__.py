"""Screens of the wizard: welcome, the generic step screen, confirmation, apply, error, summary."""
