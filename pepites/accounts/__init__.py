"""Accounts services shared by both faces (web and api): personal API tokens."""
