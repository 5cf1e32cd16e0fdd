"""The policy: which licenses a project accepts. Default: only OSI-approved ones.

The core issue's rule is that a model passes only if every license its expression requires is
OSI-approved, and that an unknown license is a violation ("cannot verify"), never a silent pass.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from licheck.errors import PolicyError
from licheck.model import LicenseResult

Requirement = Literal["osi-approved", "osd"]
REQUIREMENTS: tuple[Requirement, ...] = ("osi-approved", "osd")


@dataclass(frozen=True)
class Policy:
    """What a license must be for the policy to accept it.

    `osi-approved`: on OSI's list. `osd`: judged open against the OSD, approved or not.
    """

    require: Requirement = "osi-approved"

    @classmethod
    def named(cls, require: str) -> Policy:
        """The policy for a `--require` value."""
        if require not in REQUIREMENTS:
            raise PolicyError(
                f"unknown requirement '{require}'", hint=f"choose one of {', '.join(REQUIREMENTS)}"
            )
        return cls(require=require)

    def accepts(self, result: LicenseResult) -> bool:
        """Whether one judged license is acceptable under this policy."""
        if self.require == "osi-approved":
            return result.osi_approved
        return result.verdict in ("osi-approved", "open")
