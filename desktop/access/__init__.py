"""Who is at the keyboard: log-in, first administrator, emergency access, auto-lock, banners and
the administrator's Users dialog. The checks themselves live in `caseload.users`."""
