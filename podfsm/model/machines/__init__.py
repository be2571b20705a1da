"""podfsm's machines, each one table in one place, checked at import.

- :data:`CONTAINER_MACHINE` (``container-state``): one per container.
- :data:`PHASE_MACHINE` (``pod-phase``): the pod's phase.
- :data:`CONDITION_MACHINES`: one per condition type.
- :data:`RESTART_POLICY_TABLE`: how they compose.
"""

from podfsm.model.machines.base import MachineDef, Row, State, build_machine, check_definition
from podfsm.model.machines.conditions import CONDITION_MACHINES
from podfsm.model.machines.container import CONTAINER_MACHINE
from podfsm.model.machines.phase import PHASE_MACHINE
from podfsm.model.machines.restart_policy import RESTART_POLICY_TABLE, Action, Ending, PolicyRow

ALL_MACHINES: tuple[MachineDef, ...] = (CONTAINER_MACHINE, PHASE_MACHINE, *CONDITION_MACHINES.values())

__all__ = [
    "ALL_MACHINES",
    "CONDITION_MACHINES",
    "CONTAINER_MACHINE",
    "PHASE_MACHINE",
    "RESTART_POLICY_TABLE",
    "Action",
    "Ending",
    "MachineDef",
    "PolicyRow",
    "Row",
    "State",
    "build_machine",
    "check_definition",
]
