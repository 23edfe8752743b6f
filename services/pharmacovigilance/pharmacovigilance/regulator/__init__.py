"""The way to the regulator: the port (`port.Regulator`), its adapters (`http.HttpRegulator`:
the answer comes back on the request; `folder.FolderRegulator`: batch files out,
acknowledgement files back, later), the in-memory fake (`memory.InMemoryRegulator`) and the
fake regulator process (`fake_pvpi`, run as `python -m pharmacovigilance.fake_regulator`)."""

from pharmacovigilance.regulator.memory import InMemoryRegulator, Intake
from pharmacovigilance.regulator.port import (
    Regulator,
    RegulatorError,
    RegulatorRefused,
    RegulatorUnavailable,
)

__all__ = ["InMemoryRegulator", "Intake", "Regulator", "RegulatorError", "RegulatorRefused",
           "RegulatorUnavailable"]
