"""Shared plumbing: database types, errors, audit log, time and i18n helpers."""
