"""The rules of casework, one module per part: intake (reports, duplicates, opening a case),
people (victims, suspects, passports), casework (assignment, tasks, partner requests),
timeline, cooperation (logging under the agreement), targets (response times), search."""
