"""Validation against published figures, calibration of free parameters, and parameter files.

::

    from attachsim.validation import validate, calibrate, load_params
    report = validate(n=20_000, seeds=3)           # both target sets (calibration, validation) on seeds 1-3
    fit = calibrate(["ssp_low_risk_D"], ["strange_situation.disorg_threshold"], n=4_000, trials=20)
"""

from .calibrate import Calibration, calibrate, default_parameters, search_space, write_calibration
from .params_file import (
    ParamsFileError,
    apply_params,
    check_params,
    free_parameters,
    load_params,
    parameter_bounds,
    write_params,
)
from .targets import (
    ALL_TARGETS,
    CALIBRATION,
    GROUPS,
    SCENARIOS,
    SETS,
    TARGETS,
    VALIDATION,
    Target,
    get_targets,
    targets_in,
)
from .validate import TargetResult, Validation, evaluate, rows, to_html, to_markdown, validate, write_report

__all__ = [
    "ALL_TARGETS", "CALIBRATION", "GROUPS", "SCENARIOS", "SETS", "TARGETS", "VALIDATION", "Calibration",
    "ParamsFileError", "Target", "TargetResult", "Validation", "apply_params", "calibrate", "check_params",
    "default_parameters", "evaluate", "free_parameters", "get_targets", "load_params", "parameter_bounds", "rows",
    "search_space", "targets_in", "to_html", "to_markdown", "validate", "write_calibration", "write_params",
    "write_report",
]
