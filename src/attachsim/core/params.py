"""Helpers to declare model parameters with bounds, units and sources in one schema."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class ParamModel(BaseModel):
    """Base of every parameter group: unknown keys are errors; assignments are checked."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True, frozen=False)

    @classmethod
    def describe(cls) -> list[dict[str, Any]]:
        """One record per parameter: name, default, bounds, unit, source."""
        rows = []
        for name, field in cls.model_fields.items():
            extra = field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}
            lo = hi = None
            for meta in field.metadata:
                lo = getattr(meta, "ge", lo)
                hi = getattr(meta, "le", hi)
            rows.append(
                {
                    "name": name,
                    "default": field.default,
                    "min": lo,
                    "max": hi,
                    "unit": extra.get("unit", ""),
                    "source": extra.get("source", ""),
                    "meaning": field.description or "",
                }
            )
        return rows


def param(default: float, lo: float, hi: float, *, unit: str, meaning: str, source: str) -> Any:
    """A bounded parameter; ``source`` cites the paper or states the rationale (or calibration)."""
    return Field(
        default=default,
        ge=lo,
        le=hi,
        description=meaning,
        json_schema_extra={"unit": unit, "source": source},
    )
