"""The production pipeline of PRODUCT.md: persisted, resumable steps with an approval gate."""

from genstudio.pipeline.runner import Pipeline, RunOutcome

__all__ = ["Pipeline", "RunOutcome"]
