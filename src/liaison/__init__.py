"""Liaison: the working system of a national police agency's international cooperation office."""

__version__ = "0.1.0"
