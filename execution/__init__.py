"""Running students' code: the sandbox, the languages' drivers, the verdicts."""
