"""Widgets of the wizard: the step list, findings table, inputs form, plan preview, command palette."""
