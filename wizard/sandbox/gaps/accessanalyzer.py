"""stub"""
from . import handles  # noqa
