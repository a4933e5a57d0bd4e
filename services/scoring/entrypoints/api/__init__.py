"""HTTP views of the scoring service (thin: parse, authorise by role, call the service layer)."""
