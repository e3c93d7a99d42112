"""User accounts, roles and permissions: who may do what (`permissions`), log-in and the
database's access mode (`accounts`), and a crew member's view of the caseload (`scope`)."""
