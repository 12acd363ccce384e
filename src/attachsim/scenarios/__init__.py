"""Scenarios: the pydantic schema, the loader and the built-in scenarios."""

from .loader import ScenarioError, builtin_names, describe_builtins, load_scenario, resolved_yaml
from .schema import Scenario

__all__ = ["Scenario", "ScenarioError", "builtin_names", "describe_builtins", "load_scenario", "resolved_yaml"]
