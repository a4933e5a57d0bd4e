"""ORM records of the scoring service, split by resource."""
