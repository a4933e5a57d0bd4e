"""The scoring service layer: use cases over a unit of work, shared by views and jobs."""
