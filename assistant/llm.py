"""Optional LLM generators (placeholder until the LLM path lands): none configured → grounded."""
from __future__ import annotations


def generator_from_config(config):
    """The LLM generator configured in the environment, or None for grounded answers."""
    return None
