"""Connectors: one package per public employment service, on a shared runtime in ``base``."""
