"""The model: the machines (:mod:`~podfsm.model.machines`: container state, pod phase, conditions
and the restart-policy table), the lifecycle events (:mod:`~podfsm.model.events`), the composed
pod model that plays the kubelet on a virtual clock (:mod:`~podfsm.model.pod`), and before the
kubelet, the API server's admission (:mod:`~podfsm.model.admission`) and a node-fit scheduler
(:mod:`~podfsm.model.scheduler`)."""
